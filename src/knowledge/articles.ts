// Shared by the knowledge-base use cases: finding an article the actor may see, readable and
// unique addresses, and the edit note.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';

export const NOTE_MAX = 200;
/** Path segments under /kb/ that are pages, not articles (`check`: the editor's live check). */
const RESERVED = new Set(['new', 'from-topic', 'check']);

export const articleUrl = (slug: string) => `/kb/${slug}`;

/** The article at this address, if the actor may read it; a draft looks like no article at all. */
export async function findVisibleArticle(db: Kysely<DB>, actor: Actor | null, slug: string) {
  const article = await db.selectFrom('articles').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!article || !can(actor, 'article.view', article)) throw new NotFoundError(text('knowledge:errors.noSuchArticle'));
  return article;
}

/** A readable address for a new article, made unique with -2, -3… */
export async function uniqueArticleSlug(db: Kysely<DB>, title: string): Promise<string> {
  let base = slugify(title, 80);
  if (base === 'topic' && !/topic/i.test(title)) base = 'article';
  const taken = new Set(
    (await db.selectFrom('articles').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()).map((r) => r.slug),
  );
  if (!taken.has(base) && !RESERVED.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function cleanNote(note: string | undefined): string {
  const n = (note ?? '').replace(/\s+/g, ' ').trim();
  if (n.length > NOTE_MAX) throw new UserError(text('knowledge:errors.noteTooLong', { max: NOTE_MAX }), 400, 'note');
  return n;
}

/** Refusal to make a second article from one thread; carries the existing article's address. */
export class ArticleExistsError extends UserError {
  override name = 'ArticleExistsError';
  constructor(readonly existing: { slug: string; title: string }) {
    super(text('knowledge:errors.articleExists', { title: existing.title, url: articleUrl(existing.slug) }), 409);
  }
}
