// What the search form and API accept, read leniently from a query string: unknown values of a
// choice are ignored rather than refused, so an old bookmarked link still searches.
import type { SearchInput, SearchKind, SearchStatus } from './search-content.ts';

export type SearchQuerystring = Partial<Record<'q' | 'board' | 'tag' | 'kind' | 'status' | 'author' | 'employee' | 'from' | 'to' | 'sort' | 'page', string>>;

const text = (v: unknown, max = 100): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined => (allowed.includes(v as T) ? (v as T) : undefined);

export function searchInputFrom(query: SearchQuerystring): SearchInput {
  const page = Number(query.page);
  const input: SearchInput = { q: typeof query.q === 'string' ? query.q : '' };
  const board = text(query.board);
  const tag = text(query.tag, 30);
  const kind = oneOf<SearchKind>(query.kind, ['question', 'discussion', 'article']);
  const status = oneOf<SearchStatus>(query.status, ['solved', 'unsolved']);
  const author = text(query.author, 40);
  const from = text(query.from, 10);
  const to = text(query.to, 10);
  const sort = oneOf(query.sort, ['relevance', 'newest'] as const);
  if (board) input.board = board;
  if (tag) input.tag = tag;
  if (kind) input.kind = kind;
  if (status) input.status = status;
  if (author) input.author = author.replace(/^@/, '');
  if (['1', 'on', 'true', 'yes'].includes(query.employee ?? '')) input.employee = true;
  if (from) input.from = from;
  if (to) input.to = to;
  if (sort) input.sort = sort;
  if (Number.isInteger(page) && page > 1) input.page = page;
  return input;
}

/** The query string of a search (for page links), without empty fields. */
export function searchQueryString(input: SearchInput, page = 1): string {
  const p = new URLSearchParams();
  for (const key of ['q', 'board', 'tag', 'kind', 'status', 'author', 'from', 'to', 'sort'] as const) {
    const v = input[key];
    if (typeof v === 'string' && v !== '') p.set(key, v);
  }
  if (input.employee) p.set('employee', '1');
  if (page > 1) p.set('page', String(page));
  return p.toString();
}
