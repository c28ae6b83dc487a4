// The search use case timed per kind of query (one common word, one rare word, two words, a
// phrase, a prefix), one search at a time, on a database made by bench/generate.ts: which kinds
// are slow, which bench/search.ts's overall percentiles do not tell. The same queries as
// bench/search.ts (bench/search-queries.ts).
//
//   node --import tsx bench/search-kinds.ts --database file:./data/bench.db [--rounds 5]
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { openDatabase, redactUrl } from '../src/db/database.ts';
import { searchContent } from '../src/search/search-content.ts';
import { searchQueries } from './search-queries.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'file:./data/bench.db' },
    rounds: { type: 'string', default: '5' },
  },
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const database = await openDatabase(values.database);
const db = database.db;
const kinds = await searchQueries(db);
console.log(`Database ${redactUrl(values.database)}; load average (1 min) ${loadavg()[0]!.toFixed(1)}`);
for (const q of Object.values(kinds).flat()) await searchContent(db, null, { q }); // warm caches
const all: number[] = [];
for (const [kind, queries] of Object.entries(kinds)) {
  const times: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const q of queries) {
      const t = process.hrtime.bigint();
      await searchContent(db, null, { q });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  all.push(...times);
  console.log(`${kind.padEnd(12)} ${String(times.length).padStart(3)} searches: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
}
all.sort((a, b) => a - b);
console.log(`all          ${String(all.length).padStart(3)} searches: p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms; load average (1 min) ${loadavg()[0]!.toFixed(1)}`);
await database.close();
