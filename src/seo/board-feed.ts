// An Atom 1.0 feed (RFC 4287) per public board: its 30 newest topics, each with the first
// post's HTML as content. Feed readers carry no session, so only public boards have a feed;
// members-only and staff boards answer 404 like any unknown address, whoever asks. A feed is
// copied into readers and aggregators and never updated there, so it lists only what a visitor
// may read now: a topic whose first post is hidden (waiting for review, or hidden by a
// moderator) or deleted is left out, title included, rather than shown with a placeholder.
import { censorHtml, displayCensor } from '../moderation/censor-display.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { en, type T } from '../i18n/index.ts';
import { escapeXml, XML_DECLARATION } from './xml.ts';

export const FEED_ENTRIES = 30;

export const boardFeedUrl = (slug: string) => `${viewHelpers.boardUrl(slug)}/feed.atom`;

export async function boardFeed(db: Kysely<DB>, boardSlug: string) {
  const board = await db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'visibility', 'created_at', 'last_post_at'])
    .where('slug', '=', boardSlug)
    .executeTakeFirst();
  if (!board || board.visibility !== 'public') throw new NotFoundError('No such board');
  const topics = await db
    .selectFrom('topics')
    .innerJoin('posts', (j) => j.onRef('posts.topic_id', '=', 'topics.id').on('posts.post_number', '=', 1))
    .innerJoin('users', 'users.id', 'posts.user_id')
    .select([
      'topics.id', 'topics.slug', 'topics.title', 'topics.kind', 'topics.created_at',
      'posts.body_html', 'posts.updated_at',
      'users.username', 'users.display_name', 'users.deleted_at as user_deleted',
    ])
    .where('topics.board_id', '=', board.id)
    .where('topics.deleted_at', 'is', null)
    .where('posts.deleted_at', 'is', null)
    .where('posts.hidden_at', 'is', null)
    .orderBy('topics.created_at', 'desc')
    .orderBy('topics.id', 'desc')
    .limit(FEED_ENTRIES)
    .execute();
  // Watched words with action "censor" are applied on display (src/moderation/censor-display.ts).
  const censor = await displayCensor(db);
  if (censor) for (const t of topics) t.body_html = censorHtml(t.body_html, censor);
  return { board, topics };
}

/** `t`: the language of the words the feed adds (a deleted author): the
 * reader's Accept-Language, as for pages (visitors' cached copies are kept per language). */
export function renderAtom(feed: Awaited<ReturnType<typeof boardFeed>>, publicUrl: string, siteName: string, t: T = en): string {
  const { board, topics } = feed;
  const x = escapeXml;
  const iso = (t: string) => new Date(t).toISOString();
  const entries = topics.map((t) => ({ ...t, updated: iso(t.updated_at ?? t.created_at) }));
  const updated = entries.reduce((m, e) => (e.updated > m ? e.updated : m), iso(board.created_at));
  const boardUrl = publicUrl + viewHelpers.boardUrl(board.slug);
  const parts = [
    XML_DECLARATION,
    // xml:base lets readers resolve the relative links (mentions, topic links) inside posts.
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${x(publicUrl)}/">\n`,
    `  <id>${x(boardUrl)}</id>\n`,
    `  <title>${x(`${board.name} · ${siteName}`)}</title>\n`,
    board.description ? `  <subtitle>${x(board.description)}</subtitle>\n` : '',
    `  <updated>${updated}</updated>\n`,
    `  <link rel="self" type="application/atom+xml" href="${x(publicUrl + boardFeedUrl(board.slug))}"/>\n`,
    `  <link rel="alternate" type="text/html" href="${x(boardUrl)}"/>\n`,
    `  <generator>Parley</generator>\n`,
  ];
  for (const e of entries) {
    const url = publicUrl + viewHelpers.topicUrl(e);
    const author = e.user_deleted
      ? `<name>${x(t('community:author.deletedUser'))}</name>`
      : `<name>${x(e.display_name)}</name><uri>${x(publicUrl + viewHelpers.userUrl(e.username))}</uri>`;
    parts.push(
      '  <entry>\n',
      `    <id>${x(url)}</id>\n`,
      `    <title>${x(e.title)}</title>\n`,
      `    <link rel="alternate" type="text/html" href="${x(url)}"/>\n`,
      `    <published>${iso(e.created_at)}</published>\n`,
      `    <updated>${e.updated}</updated>\n`,
      `    <author>${author}</author>\n`,
      `    <content type="html">${x(e.body_html)}</content>\n`,
      '  </entry>\n',
    );
  }
  parts.push('</feed>\n');
  return parts.join('');
}
