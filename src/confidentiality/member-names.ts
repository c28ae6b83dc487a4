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

/**
 * The first names of the people taking part in a thread ("Hi Marco, I'm Mei from billing"): in a
 * reply or an edit, greeting the asker or signing with one's own first name is how people talk,
 * not a leak. Only the thread's own participants count, never every member of that name.
 */
async function threadFirstNames(db: Kysely<DB>, target: string | undefined, authorId: number | undefined): Promise<Set<string>> {
  const m = /^(topic|post):(\d+)$/.exec(target ?? '');
  if (!m) return new Set();
  const own = authorId === undefined ? [] : await db.selectFrom('users').select('display_name').where('id', '=', authorId).execute();
  const topicId = m[1] === 'topic' ? Number(m[2]) : (await db.selectFrom('posts').select('topic_id').where('id', '=', Number(m[2])).executeTakeFirst())?.topic_id;
  if (!topicId) return new Set();
  const rows = await db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.user_id')
    .select('users.display_name')
    .distinct()
    .where('posts.topic_id', '=', topicId)
    .where('users.deleted_at', 'is', null)
    .limit(500)
    .execute();
  return new Set([...rows, ...own].map((r) => r.display_name.trim().split(/\s+/)[0]!.toLowerCase()).filter((n) => n.length > 1));
}

/**
 * Drop the person findings of `findings` that are members' public names, or (with `target`, a
 * thread's 'topic:N' or 'post:N') the first name of someone taking part in that thread or of
 * the author (`authorId`);
 * `textOf` gives each finding's text.
 */
export async function dropMemberNames<F extends Finding>(db: Kysely<DB>, findings: F[], textOf: (f: F) => string, target?: string, authorId?: number): Promise<F[]> {
  const persons = findings.filter((f) => f.type === 'person' && f.source !== 'register');
  if (!persons.length) return findings;
  const keys = await memberNameKeys(db, persons.map((f) => textOf(f).slice(f.start, f.end)));
  const firstNames = await threadFirstNames(db, target, authorId);
  if (!keys.size && !firstNames.size) return findings;
  return findings.filter((f) => {
    if (f.type !== 'person' || f.source === 'register') return true;
    if (firstNames.has(textOf(f).slice(f.start, f.end).trim().toLowerCase())) return false;
    return !keys.size || !isPublicMemberName(textOf(f), f, keys);
  });
}
