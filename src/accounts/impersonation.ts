// Names that pretend to be someone else (issue 17, point 7). Beside every post Parley shows the
// author's display name and the badges their roles earn; a member must not be able to look like
// staff ("Community Manager", "Tom Becker 🛡️ Moderator"), like a system account (`admin`), or like
// another member ("Tom Веcker" in Cyrillic, `demo-rnoderator` for `demo-moderator`).
//
// Look-alikes are found with the Unicode confusables skeleton (UTS #39, section 4): NFD, every
// character replaced by its prototype from confusables.txt, NFD again. The mapping comes from
// `unhomoglyph` (nodeca, the markdown-it authors): it is generated from Unicode's confusables.txt,
// a single table lookup per character (about 1 µs per name), no dependencies, and is the skeleton
// the Matrix clients use for the same purpose. On top of the skeleton, a name's *key* ignores
// case, accents, spaces, punctuation, symbols and invisible characters, so that "Tom.Becker ⭐"
// and "tom becker" collide too.
import type { Kysely } from 'kysely';
import unhomoglyph from 'unhomoglyph';
import type { DB, Role } from '../db/schema.ts';
import { text, UserError, type Text } from '../shared/errors.ts';
import { singleLineProblem } from '../shared/unicode-text.ts';

/** The UTS #39 skeleton of a string. */
export function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/**
 * Lower-case skeleton without marks. The skeleton is taken before and after lower-casing:
 * confusables.txt is case-sensitive (capital I and l are one prototype, Cyrillic в maps to small
 * capital ʙ while В maps to B), so both orders are needed for "TOM ВЕCKER" and "Tom Becker".
 */
function folded(text: string): string {
  return skeleton(skeleton(text.normalize('NFKC')).toLowerCase()).toLowerCase().replace(/\p{M}/gu, '');
}

/**
 * Keys of names already computed: comparing a new name with every member's needs them all, and
 * computing them is most of the cost (~30 µs a name; a lookup is ~0.1 µs). Bounded; a renamed
 * member's old name simply stops being asked for.
 */
const keyMemo = new Map<string, string[]>();
const KEY_MEMO_MAX = 500_000;

/** The keys two names must not share: folded skeletons (as written, and lower-cased) without anything but letters and digits. */
export function nameKeys(text: string): string[] {
  let keys = keyMemo.get(text);
  if (!keys) {
    keys = [...new Set([text, text.toLowerCase()].map((v) => folded(v).replace(/[^\p{L}\p{N}]/gu, '')))];
    if (keyMemo.size >= KEY_MEMO_MAX) keyMemo.clear();
    keyMemo.set(text, keys);
  }
  return keys;
}

/** The main key of a name (as written). */
export const nameKey = (text: string): string => nameKeys(text)[0]!;

/** The folded skeleton's words (runs of letters and digits), for each way of reading the name. */
function wordLists(text: string): string[][] {
  return [text, text.toLowerCase()].map((v) => folded(v).split(/[^\p{L}\p{N}]+/u).filter(Boolean));
}

const sharesKey = (a: readonly string[], b: readonly string[]) => a.some((k) => k.length > 0 && b.includes(k));

/**
 * Words that name a role or the site's own voice, with the roles that may use them in a display
 * name (someone who holds the role may say so; anyone else may not). Empty: nobody.
 */
const ROLE_PHRASES: Array<[string, Role[]]> = [
  ...(['admin', 'admins', 'administrator', 'administrators', 'sysadmin'] as const).map((p): [string, Role[]] => [p, ['admin']]),
  ...(['moderator', 'moderators', 'mod', 'mods', 'modteam'] as const).map((p): [string, Role[]] => [p, ['moderator', 'community_manager', 'admin']]),
  ...(['staff', 'employee', 'employees', 'official', 'support', 'helpdesk', 'support team'] as const).map((p): [string, Role[]] => [p, ['employee', 'community_manager', 'admin']]),
  ...(['community manager', 'community managers', 'community management', 'community team'] as const).map((p): [string, Role[]] => [p, ['community_manager', 'admin']]),
  ...(['system', 'root', 'parley team', 'the team'] as const).map((p): [string, Role[]] => [p, []]),
];
const ROLE_WORDS = ROLE_PHRASES.map(([p]) => p.split(' ').map(nameKey));

/** Usernames kept for the system and the team (compared by key: `Admin`, `ad.min` and `adrnin` too). */
export const RESERVED_USERNAMES = [
  'admin', 'administrator', 'moderator', 'mod', 'root', 'system', 'sysadmin', 'support', 'staff', 'employee', 'official',
  'community-team', 'community-manager', 'community', 'team', 'parley', 'security', 'abuse', 'postmaster', 'webmaster',
  'hostmaster', 'noreply', 'no-reply', 'mailer-daemon', 'help', 'helpdesk', 'info', 'owner', 'everyone', 'here', 'null', 'undefined', 'anonymous', 'deleted',
];
const RESERVED_KEYS = new Set(RESERVED_USERNAMES.flatMap((u) => [u, u.toUpperCase(), u[0]!.toUpperCase() + u.slice(1)]).flatMap(nameKeys));
const isReserved = (name: string) => nameKeys(name).some((k) => RESERVED_KEYS.has(k));

/** Symbols that look like the badges Parley gives (check marks, shields, medals, stars). */
const BADGE_LIKE = /[\u2713\u2714\u2705\u2611\u2612\u2606\u2605\u2b50\u{1f6e1}\u{1f396}\u{1f3c5}\u{1f3c6}\u{1f947}-\u{1f949}\u{1f530}\u{1f4db}\u{1f451}\u{1f46e}\u{1f512}\u{1f510}\u{24c2}\u{1f170}-\u{1f189}\u{1f1e6}-\u{1f1ff}]/u;

/** The first role phrase in the name that `roles` may not use, or null. */
function roleWordIn(name: string, roles: readonly Role[]): string | null {
  const lists = wordLists(name);
  for (const [i, phrase] of ROLE_WORDS.entries()) {
    const [text, allowed] = ROLE_PHRASES[i]!;
    if (allowed.some((r) => roles.includes(r))) continue;
    for (const w of lists) {
      for (let start = 0; start + phrase.length <= w.length; start++) {
        if (phrase.every((p, k) => w[start + k] === p)) return text;
      }
      // "CommunityManager", "Community-Manager": a phrase written as one word.
      if (phrase.length > 1 && w.some((word) => word === phrase.join(''))) return text;
    }
  }
  return null;
}

/** Why a display name cannot be used by anyone, whoever they are and whoever else is a member, or null. */
export function displayNameProblem(name: string): string | Text | null {
  // Still English words from src/shared (control characters, bidi overrides): rare, and shared with titles.
  const basic = singleLineProblem(name, 'Display name');
  if (basic) return basic;
  if (BADGE_LIKE.test(name)) return text('accounts:errors.displayNameBadges');
  if (isReserved(name)) return text('accounts:errors.displayNameReserved', { name });
  return null;
}

/** Why someone with `roles` may not show this display name (a role word that is not theirs), or null. */
export function roleWordProblem(name: string, roles: readonly Role[]): Text | null {
  const role = roleWordIn(name, roles);
  return role ? text('accounts:errors.displayNameRoleWord', { role }) : null;
}

/** Why a username cannot be used on its own, or null. (Its characters are checked by usernameSchema.) */
export function usernameProblem(username: string): Text | null {
  if (isReserved(username)) return text('accounts:errors.usernameReserved', { username });
  return null;
}

/**
 * Refuses (409) a username or display name that reads like another member's username or display
 * name. Compares against every account that is not deleted: measured at 10,000 members, the first
 * call of a process ~0.7 s (computing every key), later ones 20–130 ms (reading the table; keys are
 * memoised). Sign-up and name changes are rare enough for that; far larger communities would want
 * the keys stored in an indexed table.
 */
export async function assertNotConfusable(db: Kysely<DB>, names: { username?: string; displayName?: string }, selfId?: number): Promise<void> {
  const wanted = [
    ...(names.username !== undefined ? [{ field: 'username', key: 'accounts:errors.confusableUsername', keys: nameKeys(names.username) }] : []),
    ...(names.displayName !== undefined ? [{ field: 'displayName', key: 'accounts:errors.confusableDisplayName', keys: nameKeys(names.displayName) }] : []),
  ].filter((w) => w.keys.some((k) => k.length > 0));
  if (wanted.length === 0) return;
  let query = db.selectFrom('users').select(['id', 'username', 'display_name']).where('deleted_at', 'is', null);
  if (selfId !== undefined) query = query.where('id', '!=', selfId);
  for (const row of await query.execute()) {
    const keys = [...nameKeys(row.username), ...nameKeys(row.display_name)];
    const clash = wanted.find((w) => sharesKey(w.keys, keys));
    if (clash) {
      throw new UserError(text(clash.key, { username: row.username }), 409, clash.field);
    }
  }
}
