// sitemap.xml (https://www.sitemaps.org/protocol.html): what search engines should crawl —
// the home page, public boards, the knowledge base's published articles, and the non-deleted
// topics of public boards, nothing else.
//
// Topics are split by id range: /sitemap-topics-N.xml holds the topics with ids in
// ((N-1)·50,000, N·50,000], so a topic stays in the same file for good and each file is one
// primary-key range scan (no OFFSET). While everything fits in one file (every id in the first
// range, and at most 50,000 URLs with home and boards), /sitemap.xml is a plain <urlset>; past
// that it becomes a sitemap index of the boards file and the topic files that have any topics.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { articleUrl } from '../knowledge/articles.ts';
import { escapeXml, XML_DECLARATION } from './xml.ts';

/** The protocol's limit of URLs per sitemap file. */
export const SITEMAP_CHUNK = 50_000;

export interface SitemapUrl {
  loc: string;
  lastmod?: string | null | undefined;
}

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** Home, public boards and the knowledge base (its list and published articles, when it has any), as absolute URLs. */
export async function boardUrls(db: Kysely<DB>, publicUrl: string): Promise<SitemapUrl[]> {
  const [boards, articles] = await Promise.all([
    db.selectFrom('boards').select(['slug', 'last_post_at']).where('visibility', '=', 'public').orderBy('position').orderBy('id').execute(),
    // Articles are few next to topics (a knowledge base of thousands at most), so they share this file.
    db.selectFrom('articles').select(['slug', 'updated_at']).where('status', '=', 'published').orderBy('id').execute(),
  ]);
  const newest = (times: (string | null)[]) => times.reduce<string | null>((m, t) => (t && (!m || t > m) ? t : m), null);
  const kb = articles.length
    ? [{ loc: `${publicUrl}/kb`, lastmod: newest(articles.map((a) => a.updated_at)) }, ...articles.map((a) => ({ loc: publicUrl + articleUrl(a.slug), lastmod: a.updated_at }))]
    : [];
  return [{ loc: `${publicUrl}/`, lastmod: newest(boards.map((b) => b.last_post_at)) }, ...boards.map((b) => ({ loc: publicUrl + viewHelpers.boardUrl(b.slug), lastmod: b.last_post_at })), ...kb];
}

/** The public topics whose ids fall in range `n` (1-based), oldest id first. */
export async function topicUrls(db: Kysely<DB>, publicUrl: string, n: number, chunk = SITEMAP_CHUNK): Promise<SitemapUrl[]> {
  const rows = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.slug', 'topics.last_post_at'])
    .where('topics.id', '>', (n - 1) * chunk)
    .where('topics.id', '<=', n * chunk)
    .where('topics.deleted_at', 'is', null)
    .where('boards.visibility', '=', 'public')
    .orderBy('topics.id')
    .execute();
  return rows.map((t) => ({ loc: publicUrl + viewHelpers.topicUrl(t), lastmod: t.last_post_at }));
}

/** The topic ranges that hold public topics, with each one's size and latest activity. */
export async function topicChunks(db: Kysely<DB>, chunk = SITEMAP_CHUNK): Promise<{ n: number; count: number; lastmod: string | null }[]> {
  // Integer division on both SQLite and PostgreSQL (both operands are integers).
  const range = sql<number>`(${sql.ref('topics.id')} - 1) / ${sql.lit(chunk)}`;
  const rows = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select([range.as('range'), (eb) => eb.fn.max('topics.last_post_at').as('lastmod'), (eb) => eb.fn.countAll<number>().as('count')])
    .where('topics.deleted_at', 'is', null)
    .where('boards.visibility', '=', 'public')
    .groupBy(range)
    .orderBy(range)
    .execute();
  return rows.map((r) => ({ n: Number(r.range) + 1, count: Number(r.count), lastmod: r.lastmod ?? null }));
}

/** /sitemap.xml: a <urlset> while everything fits in one file, else a <sitemapindex>. */
export async function sitemapRoot(db: Kysely<DB>, publicUrl: string, chunk = SITEMAP_CHUNK): Promise<string> {
  const [chunks, boards] = await Promise.all([topicChunks(db, chunk), boardUrls(db, publicUrl)]);
  const topicCount = chunks.reduce((sum, c) => sum + c.count, 0);
  if (chunks.every((c) => c.n === 1) && boards.length + topicCount <= chunk) {
    return urlset([...boards, ...(chunks.length ? await topicUrls(db, publicUrl, 1, chunk) : [])]);
  }
  return sitemapIndex([
    { loc: `${publicUrl}/sitemap-boards.xml`, lastmod: boards[0]?.lastmod },
    ...chunks.map((c) => ({ loc: `${publicUrl}/sitemap-topics-${c.n}.xml`, lastmod: c.lastmod })),
  ]);
}

export function urlset(urls: SitemapUrl[]): string {
  const parts = [XML_DECLARATION, `<urlset xmlns="${NS}">\n`];
  for (const u of urls) parts.push(`<url><loc>${escapeXml(u.loc)}</loc>${lastmod(u)}</url>\n`);
  parts.push('</urlset>\n');
  return parts.join('');
}

export function sitemapIndex(sitemaps: SitemapUrl[]): string {
  const parts = [XML_DECLARATION, `<sitemapindex xmlns="${NS}">\n`];
  for (const s of sitemaps) parts.push(`<sitemap><loc>${escapeXml(s.loc)}</loc>${lastmod(s)}</sitemap>\n`);
  parts.push('</sitemapindex>\n');
  return parts.join('');
}

// W3C datetime. Stored times are ISO 8601 in UTC already (parsing 50,000 of them would cost
// more than the query), so only anything else goes through Date.
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const w3cDate = (t: string) => (ISO_UTC.test(t) ? t : new Date(t).toISOString());
const lastmod = (u: SitemapUrl) => (u.lastmod ? `<lastmod>${escapeXml(w3cDate(u.lastmod))}</lastmod>` : '');
