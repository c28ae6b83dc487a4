import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLite } from '../../src/db/sqlite-native.js';

// A page's statements are prepared once and run with new values each time (src/db/database.ts).
// On a SQLite that compiles a prepared join again on every run (3.54, with better-sqlite3's
// cleared bindings: why in src/db/sqlite-native.js) this fails, whichever Node runs the tests.
test('a prepared join runs with new values without being compiled again (ratio to statements prepared with the values written in)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-reuse-'));
  const db = new SQLite(join(dir, 'reuse.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`create table boards (id integer primary key, slug text not null);
      create table topics (id integer primary key, board_id integer not null references boards(id), title text not null);
      create index topics_board on topics (board_id);
      create table reads (user_id integer not null, topic_id integer not null, n integer not null, primary key (user_id, topic_id));`);
    db.prepare('insert into boards (id, slug) values (1, ?), (2, ?)').run('a', 'b');
    const insert = db.prepare('insert into topics (id, board_id, title) values (?, ?, ?)');
    const read = db.prepare('insert into reads (user_id, topic_id, n) values (?, ?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= 200; id++) {
        insert.run(id, 1 + (id % 2), `topic ${id}`);
        read.run(7, id, id % 5);
      }
    })();
    // Like the topic page's statement: a join on the topic's id, and correlated subqueries that
    // make compiling it cost several times running it.
    const subqueries = Array.from({ length: 12 }, (_, i) => `(select r.n + ${i} from reads r where r.user_id = $user and r.topic_id = t.id) as s${i}`).join(', ');
    const text = `select t.id, b.slug, ${subqueries} from topics t join boards b on b.id = t.board_id where t.id = $topic`;
    const ids = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 200));
    const bound = db.prepare(text);
    const literal = ids.map((id) => db.prepare(text.replaceAll('$user', '7').replace('$topic', String(id))));
    const expected = literal.map((statement) => statement.get());
    ids.forEach((id, i) => assert.deepEqual(bound.get({ user: 7, topic: id }), expected[i], 'the same rows either way'));
    const time = (run: () => void) => {
      const started = process.hrtime.bigint();
      run();
      return Number(process.hrtime.bigint() - started);
    };
    const ratios: number[] = [];
    for (let round = 0; round < 7; round++) {
      const withValues = time(() => ids.forEach((id) => bound.get({ user: 7, topic: id })));
      const writtenIn = time(() => literal.forEach((statement) => statement.get()));
      ratios.push(withValues / writtenIn);
    }
    const best = Math.min(...ratios);
    // Reused: about 1; compiled again on every run: 4.2× on SQLite 3.54.1.
    assert.ok(best < 2.5, `runs with bound values cost ${best.toFixed(2)}× statements with the values written in (SQLite ${(db.prepare('select sqlite_version() as v').get() as { v: string }).v})`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
