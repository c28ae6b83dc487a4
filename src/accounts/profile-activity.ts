// A profile's activity (issue 18): what the member wrote lately — topics, replies, accepted
// answers, articles — limited to the boards the viewer may read, plus kudos received and when
// they were last seen (their latest sign-in or post, as a day: no finer than that).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { visibleBoardKinds, type Actor } from '../policy/policy.ts';

export type ActivityKind = 'topic' | 'reply' | 'answer';

export async function profileActivity(db: Kysely<DB>, viewer: Actor | null, userId: number, limit = 15) {
  const kinds = visibleBoardKinds(viewer);
  const posts = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['posts.id', 'posts.post_number', 'posts.created_at', 'posts.kudos_count', 'topics.id as topic_id', 'topics.slug', 'topics.title', 'topics.solved_post_id', 'boards.name as board_name'])
    .where('posts.user_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .where('posts.hidden_at', 'is', null)
    .where('topics.deleted_at', 'is', null)
    .where('boards.visibility', 'in', kinds)
    .orderBy('posts.created_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
  const articles = await db
    .selectFrom('articles')
    .select(['slug', 'title', 'published_at'])
    .where('created_by', '=', userId)
    .where('status', '=', 'published')
    .orderBy('published_at', 'desc')
    .limit(limit)
    .execute();
  const counts = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('posts.kudos_count'), eb.lit(0)).as('kudos'),
      eb.fn.count<number>('posts.id').filterWhere('posts.post_number', '=', 1).as('topics'),
      eb.fn.count<number>('posts.id').filterWhere('posts.post_number', '>', 1).as('replies'),
    ])
    .where('posts.user_id', '=', userId)
    .where('posts.deleted_at', 'is', null)
    .where('boards.visibility', 'in', kinds)
    .executeTakeFirst();
  const lastSignIn = await db.selectFrom('sessions').select((eb) => eb.fn.max('created_at').as('at')).where('user_id', '=', userId).executeTakeFirst();
  const lastPost = await db.selectFrom('posts').select((eb) => eb.fn.max('created_at').as('at')).where('user_id', '=', userId).executeTakeFirst();
  const seen = [lastSignIn?.at, lastPost?.at].filter((t): t is string => typeof t === 'string').sort().pop() ?? null;
  return {
    items: posts.map((p) => ({
      kind: (p.solved_post_id === p.id ? 'answer' : p.post_number === 1 ? 'topic' : 'reply') as ActivityKind,
      topic: { id: p.topic_id, slug: p.slug, title: p.title },
      postNumber: p.post_number,
      boardName: p.board_name,
      createdAt: p.created_at,
      kudos: Number(p.kudos_count),
    })),
    articles,
    kudosReceived: Number(counts?.kudos ?? 0),
    topicCount: Number(counts?.topics ?? 0),
    replyCount: Number(counts?.replies ?? 0),
    lastSeen: seen,
  };
}
