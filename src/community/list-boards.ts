import { sql, type Kysely } from 'kysely';
import type { BoardVisibility, DB } from '../db/schema.ts';
import { P1, preparedQuery } from '../db/prepared.ts';
import { visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { rolesByUser } from '../accounts/find-user.ts';
import type { ExtraColumns } from '../db/named-statements.ts';
import { readHomePage } from './home-page-postgres.ts';
import { onPostgres } from './topic-page-postgres.ts';

/**
 * The home page: the boards the actor may see, the latest topics across them and the roles of
 * their last posters. On PostgreSQL one statement (home-page-postgres.ts), with `opts.extra`'s
 * columns (the header's counts) whose values come back in `extra`; elsewhere the queries below,
 * side by side, and `extra` null (the caller reads them).
 */
export async function homePage(db: Kysely<DB>, actor: Actor | null, limit = 10, opts: { oneRoundTrip?: boolean; extra?: ExtraColumns | null } = {}) {
  if (opts.oneRoundTrip ?? onPostgres(db)) return readHomePage(db, visibleBoardKinds(actor), limit, opts.extra);
  const [boards, latest] = await Promise.all([listBoards(db, actor), latestTopics(db, actor, limit)]);
  return { boards, latest, roles: await rolesByUser(db, latest.map((t) => t.last_user_id)), extra: null };
}

// The home page's two queries differ only by which board kinds the reader may see (three sets):
// each set's queries are compiled once (src/db/prepared.ts), as the topic page's are.
const byKinds = new Map<string, { boards: ReturnType<typeof boardsQuery>; latest: ReturnType<typeof latestQuery> }>();
function queriesFor(kinds: BoardVisibility[]) {
  const key = kinds.join();
  let q = byKinds.get(key);
  if (!q) byKinds.set(key, (q = { boards: boardsQuery(kinds), latest: latestQuery(kinds) }));
  return q;
}

/** The home page: boards the actor may see, in order, with counts and latest activity. */
export async function listBoards(db: Kysely<DB>, actor: Actor | null) {
  return queriesFor(visibleBoardKinds(actor)).boards(db);
}

const boardsQuery = (kinds: BoardVisibility[]) =>
  preparedQuery([] as [], (db) =>
    db
      .selectFrom('boards')
      // Never a deleted topic, nor one of another board (perhaps one the reader may not see), as a
      // board's latest (delete-post.ts and reorganize-topics.ts move it on; this is the second line).
      .leftJoin('topics', (j) => j.onRef('topics.id', '=', 'boards.last_topic_id').onRef('topics.board_id', '=', 'boards.id').on('topics.deleted_at', 'is', null))
      .select([
        'boards.id', 'boards.slug', 'boards.name', 'boards.description', 'boards.visibility', 'boards.topic_creators',
        'boards.topic_count', 'boards.post_count', 'boards.last_post_at',
        'topics.id as last_topic_id', 'topics.title as last_topic_title', 'topics.slug as last_topic_slug',
      ])
      .where('boards.visibility', 'in', kinds)
      .orderBy('boards.position')
      .orderBy('boards.id'),
  );

/** The most recently active topics across the boards the actor may see. */
export async function latestTopics(db: Kysely<DB>, actor: Actor | null, limit = 10) {
  return queriesFor(visibleBoardKinds(actor)).latest(db, limit);
}

const latestQuery = (kinds: BoardVisibility[]) =>
  preparedQuery([P1] as [number], (db, limit) =>
    db
      .selectFrom('topics')
      .innerJoin('boards', (join) => join.on(sql<boolean>`${sql.ref('boards.id')} = +${sql.ref('topics.board_id')}`))
      .innerJoin('users', 'users.id', 'topics.last_post_user_id')
      .select([
        'topics.id', 'topics.slug', 'topics.title', 'topics.kind', 'topics.solved_post_id', 'topics.post_count', 'topics.last_post_at',
        'boards.slug as board_slug', 'boards.name as board_name',
        'users.id as last_user_id', 'users.username as last_username', 'users.display_name as last_user_name', 'users.deleted_at as last_user_deleted', 'users.avatar as last_avatar',
      ])
      // Walk the topics newest-first (topics_live_activity) and stop after `limit`, rather than
      // go board by board and sort them all: filter by board id, not by the joined board's
      // visibility, and with a unary + (here and in the join) so that no board_id index is offered to the planner
      // (valid SQL in SQLite and PostgreSQL; SQLite otherwise picked the sort, 40 ms on 50,000 topics).
      .where(sql<number>`+${sql.ref('topics.board_id')}`, 'in', (eb) => eb.selectFrom('boards as visible').select('visible.id').where('visible.visibility', 'in', kinds))
      .where('topics.deleted_at', 'is', null)
      .orderBy('topics.last_post_at', 'desc')
      .limit(limit),
  );
