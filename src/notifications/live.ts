// Live updates over server-sent events: an open topic hears of new replies, and a signed-in
// page's bell of new notifications, without reloading. Events carry no text (a post number, a
// count): the page fetches what it shows through the normal, authorised pages. With several
// worker processes an event is also published on the cluster bus, so pages served by another
// worker hear it too. Pages work in full without it (the stream is an addition).
import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { publish, subscribe } from '../cluster/bus.ts';
import { authorize } from '../policy/policy.ts';
import { NotFoundError } from '../shared/errors.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { unreadCount } from './list-notifications.ts';

type LiveEvent = { kind: 'reply'; topicId: number; postNumber: number; url: string } | { kind: 'bell'; userId: number };

const hub = new EventEmitter();
hub.setMaxListeners(0);
const CHANNEL = 'live';
let following = false;

/** Tells this process's open pages and, through the bus, the other workers'. */
export function emitLive(event: LiveEvent): void {
  hub.emit(key(event), event);
  publish(CHANNEL, event);
}
const key = (e: LiveEvent) => (e.kind === 'reply' ? `topic:${e.topicId}` : `user:${e.userId}`);

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
      if (e && (e.kind === 'reply' || e.kind === 'bell')) hub.emit(key(e), e);
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
        if (!t) throw new NotFoundError('No such topic');
        authorize(actor, 'topic.view', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at });
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 5000\n\n');
      const send = (name: string, data: object) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      const listeners: [string, (e: LiveEvent) => void][] = [];
      if (topicId !== undefined) listeners.push([`topic:${topicId}`, (e) => e.kind === 'reply' && send('reply', { postNumber: e.postNumber, url: e.url })]);
      if (actor) {
        listeners.push([`user:${actor.id}`, () => void unreadCount(db, actor).then((unread) => send('bell', { unread }), () => {})]);
      }
      for (const [k, fn] of listeners) hub.on(k, fn);
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

/** After a new post: its topic's open pages, and the bells of those notified. */
export async function announceNewPost(app: FastifyInstance, postId: number, notifiedUserIds: number[]): Promise<void> {
  const p = await app.database.db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').select(['posts.post_number', 'topics.id', 'topics.slug']).where('posts.id', '=', postId).executeTakeFirst();
  if (p) {
    const page = Math.ceil(p.post_number / POSTS_PER_PAGE);
    emitLive({ kind: 'reply', topicId: p.id, postNumber: p.post_number, url: `/t/${p.slug}/${p.id}${page > 1 ? `?page=${page}` : ''}#post-${p.post_number}` });
  }
  for (const userId of notifiedUserIds) emitLive({ kind: 'bell', userId });
}
