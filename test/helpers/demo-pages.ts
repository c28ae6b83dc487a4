// The GET pages of a server with the seeded demo community, with real ids in their paths: read
// from the server's route table (src/web/route-table.ts), so that a page added later is visited
// too. Machine-readable answers (feeds, sitemaps, the API, downloads, SSO redirects) are left out.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';

const NOT_PAGES = [/^\/api\//, /^\/assets\//, /^\/avatars\//, /^\/auth\//, /^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /\.(xml|txt|atom|csv|json)$/, /^\/settings\/export$/, /^\/search\/similar$/, /^\/attachments\//, /\/attachments\/:aid$/, /^\/live$/, /^\/t\/:id\/posts\/:number$/, /^\/notifications\/unsubscribe$/, /^\/verify-email$/, /^\/password\/reset$/, /^\/language\/:locale$/];

export async function pagesToVisit(app: FastifyInstance, db: Kysely<DB>): Promise<string[]> {
  // The busiest public topic (a long thread with an accepted answer where the demo has one).
  const topic = await db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug', 'topics.solved_post_id']).where('boards.visibility', '=', 'public').orderBy('topics.solved_post_id', 'desc').orderBy('topics.post_count', 'desc').executeTakeFirstOrThrow();
  const reply = await db.selectFrom('posts').select('id').where('topic_id', '=', topic.id).where('post_number', '=', 2).executeTakeFirstOrThrow();
  const board = await db.selectFrom('boards').select('slug').where('visibility', '=', 'public').orderBy('topic_count', 'desc').executeTakeFirstOrThrow();
  const article = await db.selectFrom('articles').select('slug').orderBy('id').executeTakeFirst();
  const conversation = await db.selectFrom('conversations').select('id').orderBy('id').executeTakeFirst();
  const review = await db.selectFrom('review_items').select('id').orderBy('id').executeTakeFirst();
  const held = await db.selectFrom('held_drafts').select('id').orderBy('id').executeTakeFirst();
  const fill: Record<string, string> = {
    '/u/:username': '/u/demo-employee',
    '/u/:username/private': '/u/demo-member/private',
    '/admin/users/:username': '/admin/users/demo-member',
    '/b/:slug': `/b/${board.slug}`,
    '/b/:slug/new': `/b/${board.slug}/new`,
    '/t/:slug/:id': `/t/${topic.slug}/${topic.id}`,
    '/t/:id': `/t/${topic.id}`,
    '/t/:id/jump': `/t/${topic.id}/jump?n=3`,
    '/t/:id/reply': `/t/${topic.id}/reply?quote=2`,
    '/t/:id/private': `/t/${topic.id}/private`,
    '/p/:id/edit': `/p/${reply.id}/edit`,
    '/p/:id/revisions': `/p/${reply.id}/revisions`,
    '/p/:id/redact': `/p/${reply.id}/redact`,
    '/p/:id/report': `/p/${reply.id}/report`,
    '/admin/boards/:slug/edit': `/admin/boards/${board.slug}/edit`,
    '/kb/:slug': `/kb/${article?.slug ?? 'none'}`,
    '/kb/:slug/edit': `/kb/${article?.slug ?? 'none'}/edit`,
    '/kb/:slug/versions/:n': `/kb/${article?.slug ?? 'none'}/versions/1`,
    '/messages/:id': `/messages/${conversation?.id ?? 1}`,
    '/moderation/items/:id': `/moderation/items/${review?.id ?? 1}`,
    '/moderation/held/:id': `/moderation/held/${held?.id ?? 1}`,
    '/search': '/search?q=router',
  };
  const urls = new Set<string>();
  for (const route of app.routeTable) {
    if (route.method !== 'GET' || route.stream || NOT_PAGES.some((re) => re.test(route.url))) continue;
    if (route.url.includes(':') || route.url.includes('*')) {
      const filled = fill[route.url];
      if (!filled) throw new Error(`no demo address for the page ${route.url}: add one to test/helpers/demo-pages.ts`);
      urls.add(filled);
    } else urls.add(fill[route.url] ?? route.url);
  }
  return [...urls];
}
