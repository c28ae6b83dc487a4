// Community members' public names (display names and usernames) are not customer data: the guard
// drops person findings that name a member ("*Answered by Tom Becker in the community.*", the
// attribution line Parley writes into a knowledge-base article). Looked up in the database for the
// names a scan found, so a member who joined a minute ago counts too, without holding every
// member's name in memory. A name the customer register knows stays reported (the library keeps
// register findings).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isPublicMemberName, publicNameKey, type Finding } from '../guard/index.ts';

/** The public-name keys (publicNameKey) of live members whose display name or username is one of `names`. */
export async function memberNameKeys(db: Kysely<DB>, names: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const wanted = [...new Set(names.map((n) => n.trim()).filter((n) => n.length > 0 && n.length <= 200))].slice(0, 200);
  if (!wanted.length) return out;
  const rows = await db
    .selectFrom('users')
    .select(['username', 'display_name'])
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('display_name', 'in', wanted), eb('username_lower', 'in', wanted.map((n) => n.toLowerCase().replace(/^@/, '')))]))
    .execute();
  for (const r of rows) {
    out.add(publicNameKey(r.display_name));
    out.add(publicNameKey(r.username));
  }
  return out;
}

/** Drop the person findings of `findings` that are members' public names; `textOf` gives each finding's text. */
export async function dropMemberNames<F extends Finding>(db: Kysely<DB>, findings: F[], textOf: (f: F) => string): Promise<F[]> {
  const persons = findings.filter((f) => f.type === 'person' && f.source !== 'register');
  if (!persons.length) return findings;
  const keys = await memberNameKeys(db, persons.map((f) => textOf(f).slice(f.start, f.end)));
  if (!keys.size) return findings;
  return findings.filter((f) => !isPublicMemberName(textOf(f), f, keys));
}
