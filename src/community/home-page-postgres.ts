// The home page on PostgreSQL in one round trip (issue 19): the boards the reader may see, the
// latest topics across them and the roles of those topics' last posters, as one statement with
// JSON columns, instead of two statements on two pool connections (and the authors' cards when
// their cache had expired). A signed-in reader's header counts come along (`extra`), so that
// their home page is the session plus this statement. SQLite keeps the separate queries
// (list-boards.ts): function calls in the same process, cheaper than JSON.
import { sql, type Kysely } from 'kysely';
import { executeNamed, extraColumns, type ExtraColumns } from '../db/named-statements.ts';
import type { BoardVisibility, DB, Role, TopicCreators, TopicKind } from '../db/schema.ts';

export interface HomeBoard {
  id: number; slug: string; name: string; description: string; visibility: BoardVisibility; topic_creators: TopicCreators; topic_count: number; post_count: number;
  last_post_at: string | null; last_topic_id: number | null; last_topic_title: string | null; last_topic_slug: string | null;
}

export interface HomeTopic {
  id: number; slug: string; title: string; kind: TopicKind; solved_post_id: number | null; post_count: number; last_post_at: string;
  board_slug: string; board_name: string;
  last_user_id: number; last_username: string; last_user_name: string; last_user_deleted: string | null; last_avatar: string | null;
}

interface BundleRow {
  boards: (HomeBoard & { position: number })[];
  latest: HomeTopic[];
  roles: [number, Role][];
  page_extras?: Record<string, unknown>;
}

/**
 * The same rows as listBoards and latestTopics (list-boards.ts) for the board kinds the reader may
 * see, in the same order, and the roles of the latest topics' last posters (as rolesByUser). One
 * statement text per set of kinds (three), prepared by name.
 */
export async function readHomePage(db: Kysely<DB>, kinds: BoardVisibility[], limit: number, extra: ExtraColumns | null = null) {
  // The kinds and the limit as literals, not parameters: they are fixed per statement text anyway,
  // and with their values visible at planning PostgreSQL found a custom plan cheaper than the
  // generic one every time, so it planned this statement again on every view (~0.5 ms).
  const visible = sql.join(kinds.map((k) => sql.lit(k)));
  // The latest topics as latestTopics walks them: newest first along topics_live_activity,
  // filtered by board id with a unary + so that no board_id index is offered to the planner.
  const { rows } = await executeNamed(db, sql<BundleRow>`
with latest as (
  select t.id, t.slug, t.title, t.kind, t.solved_post_id, t.post_count, t.last_post_at, b.slug as board_slug, b.name as board_name,
    u.id as last_user_id, u.username as last_username, u.display_name as last_user_name, u.deleted_at as last_user_deleted, u.avatar as last_avatar
  from topics t join boards b on b.id = +t.board_id join users u on u.id = t.last_post_user_id
  where +t.board_id in (select v.id from boards v where v.visibility in (${visible})) and t.deleted_at is null
  order by t.last_post_at desc limit ${sql.lit(limit)}
)
select
  (select coalesce(json_agg(x order by x.position, x.id), '[]') from (
     select b.id, b.slug, b.name, b.description, b.visibility, b.topic_creators, b.topic_count, b.post_count, b.last_post_at, b.position,
       t.id as last_topic_id, t.title as last_topic_title, t.slug as last_topic_slug
     from boards b left join topics t on t.id = b.last_topic_id and t.board_id = b.id and t.deleted_at is null
     where b.visibility in (${visible})) x) as boards,
  (select coalesce(json_agg(latest order by latest.last_post_at desc, latest.id desc), '[]') from latest) as latest,
  (select coalesce(json_agg(json_build_array(r.user_id, r.role) order by r.user_id, r.role), '[]') from user_roles r
     where r.user_id in (select last_user_id from latest)) as roles${extraColumns(extra, 'page_extras')}`);
  const row = rows[0]!;
  // Spelled out: the board's position only ordered the list.
  const boards: HomeBoard[] = row.boards.map((b) => ({
    id: b.id, slug: b.slug, name: b.name, description: b.description, visibility: b.visibility, topic_creators: b.topic_creators, topic_count: b.topic_count, post_count: b.post_count,
    last_post_at: b.last_post_at, last_topic_id: b.last_topic_id, last_topic_title: b.last_topic_title, last_topic_slug: b.last_topic_slug,
  }));
  const roles = new Map<number, Role[]>(row.latest.map((t) => [t.last_user_id, []]));
  for (const [id, role] of row.roles) roles.get(id)?.push(role);
  return { boards, latest: row.latest, roles, extra: row.page_extras ?? null };
}
