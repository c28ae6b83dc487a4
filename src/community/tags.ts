import { text, UserError } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';

export const MAX_TAGS = 5;

/** "Wi-Fi, Router ,billing" → ['wi-fi', 'router', 'billing']; at most five, each 2–30 characters. */
export function parseTags(input: string | string[] | undefined): string[] {
  const raw = Array.isArray(input) ? input : (input ?? '').split(',');
  const tags = [...new Set(raw.map((t) => t.trim()).filter(Boolean).map((t) => slugify(t, 30)))];
  if (tags.length > MAX_TAGS) throw new UserError(text('compose:errors.tooManyTags', { max: MAX_TAGS }), 400, 'tags');
  const bad = tags.find((t) => t.length < 2 || t === 'topic');
  if (bad !== undefined) throw new UserError(text('compose:errors.tagTooShort'), 400, 'tags');
  return tags;
}

/** A topic's tags as one aggregated column (see show-topic.ts and list-board-topics.ts), joined by
 * a control character: tags are slugs. Back to a list, in order. */
export function tagsFromList(list: string | null | undefined): string[] {
  return list ? list.split('\u001f').sort() : [];
}
