// Live updates over server-sent events: an open topic page hears of new, edited and deleted
// posts, and a signed-in page's bell of new notifications, without reloading. Events carry no
// text (a post number and what changed): the page then fetches the post as a fragment rendered by
// the server exactly as the topic page renders it (same sanitised HTML, censoring, hidden-post
// rules, the reader's own actions), through a normal authorised route. Each event is checked for
// each open page against the reader's rights as they are now (the topic may have moved to a staff
// board since the page opened), and a new post that is hidden is not announced to those who may
// not see it. With several worker processes an event is also published on the cluster bus, so
// pages served by another worker hear it too. Pages work in full without it.
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { publish, subscribe } from '../cluster/bus.ts';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { unreadCount } from './list-notifications.ts';
import { POSTS_PER_PAGE, showTopic } from '../community/show-topic.ts';
import { UserError } from '../shared/errors.ts';

export type PostChange = 'new' | 'edit' | 'delete';
type LiveEvent = { kind: 'post'; topicId: number; postId: number; postNumber: number; change: PostChange } | { kind: 'bell'; userId: number };

const hub = new EventEmitter();
hub.setMaxListeners(0);
const CHANNEL = 'live';
let following = false;

/** Tells this process's open pages and, through the bus, the other workers'. */
export function emitLive(event: LiveEvent): void {
  hub.emit(key(event), event);
  publish(CHANNEL, event);
}
const key = (e: LiveEvent) => (e.kind === 'post' ? `topic:${e.topicId}` : `user:${e.userId}`);

/** After a post was written, edited, deleted, hidden or shown again (called once the change is committed). */
export function announcePost(post: { id: number; topic_id: number; post_number: number }, change: PostChange): void {
  emitLive({ kind: 'post', topicId: post.topic_id, postId: post.id, postNumber: post.post_number, change });
}

// The state of an event's post and topic, read once per event in this process (not once per open page).
const states = new WeakMap<LiveEvent, Promise<PostState | undefined>>();
type PostState = { topic: { board: { visibility: 'public' | 'members' | 'staff'; id: number }; locked: boolean; closed: boolean; deleted: boolean }; authorId: number; hidden: boolean; deleted: boolean };
function stateOf(db: Kysely<DB>, e: Extract<LiveEvent, { kind: 'post' }>): Promise<PostState | undefined> {
  let s = states.get(e);
  if (!s) {
    s = db
      .selectFrom('posts')
      .innerJoin('topics', 'topics.id', 'posts.topic_id')
      .innerJoin('boards', 'boards.id', 'topics.board_id')
      .select(['posts.user_id', 'posts.hidden_at', 'posts.deleted_at', 'topics.board_id', 'topics.locked', 'topics.closed', 'topics.deleted_at as topic_deleted', 'boards.visibility'])
      .where('posts.id', '=', e.postId)
      .where('topics.id', '=', e.topicId)
      .executeTakeFirst()
      .then((r) => r && {
        topic: { board: { visibility: r.visibility, id: r.board_id }, locked: !!r.locked, closed: !!r.closed, deleted: !!r.topic_deleted },
        authorId: r.user_id, hidden: !!r.hidden_at, deleted: !!r.deleted_at,
      });
    states.set(e, s);
  }
  return s;
}

/** Whether this reader's open page hears of the event. */
export function mayHear(actor: Actor | null, e: Extract<LiveEvent, { kind: 'post' }>, s: PostState | undefined): boolean {
  if (!s || !can(actor, 'topic.view', s.topic)) return false;
  // A new post hidden until reviewed (or already gone) is not news to those who may not see it.
  if (e.change === 'new' && (s.deleted || (s.hidden && !can(actor, 'post.viewHidden', { authorId: s.authorId, board: s.topic.board })))) return false;
  return true;
}

const HEARTBEAT_MS = 25_000;

export async function liveRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  // Open streams end when the server closes (before it waits for its connections).
  const open = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  if (!following) {
    following = true;
    subscribe(CHANNEL, (payload) => {
      const e = payload as LiveEvent;
      if (e && (e.kind === 'post' || e.kind === 'bell')) hub.emit(key(e), e);
    });
  }

  app.get<{ Querystring: { topic?: number } }>(
    '/live',
    { config: { stream: true }, schema: { querystring: { type: 'object', properties: { topic: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } } } } },
    async (request, reply) => {
      const actor = request.actor;
      const topicId = request.query.topic;
      if (topicId !== undefined) {
        const t = await db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility']).where('topics.id', '=', topicId).executeTakeFirst();
        if (!t) throw new NotFoundError(text('notifications:errors.noSuchTopic'));
        authorize(actor, 'topic.view', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at });
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 5000\n\n');
      const send = (name: string, data: object) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      const listeners: [string, (e: LiveEvent) => void][] = [];
      if (topicId !== undefined) {
        listeners.push([`topic:${topicId}`, (e) => {
          if (e.kind !== 'post') return;
          void stateOf(db, e).then((s) => {
            if (mayHear(actor, e, s)) send('post', { postNumber: e.postNumber, change: e.change, fragment: `/t/${topicId}/posts/${e.postNumber}` });
          }, () => {});
        }]);
      }
      if (actor) {
        const bell = () => void unreadCount(db, actor).then((unread) => send('bell', { unread }), () => {});
        listeners.push([`user:${actor.id}`, bell]);
        bell(); // a page that reconnects (a tab shown again) gets the count it may have missed
      }
      for (const [k, fn] of listeners) hub.on(k, fn);
      // The topic's last post now, on every (re)connection: the page fetches what it missed while
      // its tab was hidden or the stream was down (src/web/public/live.js). Read after listening,
      // so that nothing falls between the two. A post hidden for review counts for its author only.
      if (topicId !== undefined) {
        void db
          .selectFrom('posts')
          .select((eb) => eb.fn.max('post_number').as('n'))
          .where('topic_id', '=', topicId)
          .where('deleted_at', 'is', null)
          .where((eb) => (actor ? eb.or([eb('hidden_at', 'is', null), eb('user_id', '=', actor.id)]) : eb('hidden_at', 'is', null)))
          .executeTakeFirst()
          .then((r) => send('topic', { lastPostNumber: Number(r?.n ?? 0) }), () => {});
      }
      const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      beat.unref();
      const stop = () => {
        clearInterval(beat);
        for (const [k, fn] of listeners) hub.off(k, fn);
      };
      open.add(res);
      res.on('close', () => (stop(), open.delete(res)));
    },
  );
}

/** One post as the topic page shows it to this reader: what a live page inserts or replaces. */
export async function livePostRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const params = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, number: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id', 'number'] } as const;
  app.get<{ Params: { id: number; number: number } }>('/t/:id/posts/:number', { schema: { params } }, async (request, reply) => {
    const { id, number } = request.params;
    // The page that holds the post, read as the topic page reads it (rights, hidden posts, censoring).
    const data = await showTopic(db, request.actor, id, Math.ceil(number / POSTS_PER_PAGE)).catch((err: unknown) => {
      throw err instanceof UserError && err.status === 404 ? new NotFoundError(text('notifications:errors.noSuchPost')) : err;
    });
    const post = data.posts.find((p) => p.post_number === number);
    if (!post) throw new NotFoundError(text('notifications:errors.noSuchPost'));
    reply.header('cache-control', 'private, no-store');
    return reply.view('live-post', { ...data, post, isAnswer: !!data.answer && data.answer.id === post.id });
  });
}

/** After a new post: its topic's open pages, and the bells of those notified. */
export async function announceNewPost(app: FastifyInstance, postId: number, notifiedUserIds: number[]): Promise<void> {
  const p = await app.database.db.selectFrom('posts').select(['id', 'topic_id', 'post_number']).where('id', '=', postId).executeTakeFirst();
  if (p) announcePost(p, 'new');
  for (const userId of notifiedUserIds) emitLive({ kind: 'bell', userId });
}
