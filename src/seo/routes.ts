// Search-engine routes: robots.txt, the sitemap files and an Atom feed per public board. Their
// content is the same for everyone, so visitors (and crawlers) get them from the anonymous cache.
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../shared/errors.ts';
import { boardFeed, renderAtom } from './board-feed.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { robotsTxt } from './robots.ts';
import { boardUrls, sitemapRoot, topicUrls, urlset } from './sitemap.ts';

const XML = 'application/xml; charset=utf-8';

export async function seoRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const { publicUrl } = app.config;
  const cached = { anonymousCache: true };

  app.get('/robots.txt', { config: cached }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(robotsTxt(publicUrl)),
  );

  app.get('/sitemap.xml', { config: cached }, async (_request, reply) => reply.type(XML).send(await sitemapRoot(db, publicUrl)));

  app.get('/sitemap-boards.xml', { config: cached }, async (_request, reply) => reply.type(XML).send(urlset(await boardUrls(db, publicUrl))));

  app.get<{ Params: { n: number } }>(
    '/sitemap-topics-:n.xml',
    { config: cached, schema: { params: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 100_000 } }, required: ['n'] } } },
    async (request, reply) => {
      const urls = await topicUrls(db, publicUrl, request.params.n);
      if (!urls.length) throw new NotFoundError('No such sitemap');
      return reply.type(XML).send(urlset(urls));
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/b/:slug/feed.atom',
    { config: cached, schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } } },
    async (request, reply) => {
      const feed = await boardFeed(db, request.params.slug);
      return reply.type('application/atom+xml; charset=utf-8').send(renderAtom(feed, publicUrl, app.site.name, translatorFor(request).t));
    },
  );
}
