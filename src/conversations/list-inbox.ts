// The inbox: conversations one takes part in (and, for the community team, the team's
// conversations), newest activity first, with unread state and who else is in each.
import type { Kysely } from 'kysely';
import { authorCards } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { isStaff, type Actor } from '../policy/policy.ts';

export const INBOX_PAGE = 30;

export interface InboxItem {
  id: number;
  subject: string;
  team: boolean;
  topic_id: number | null;
  message_count: number;
  last_message_at: string;
  unread: boolean;
  muted: boolean;
  /** Display names of the others in it (null for a deleted account: the page names it in its language). */
  others: (string | null)[];
}

const columns = ['conversations.id', 'conversations.subject', 'conversations.team', 'conversations.topic_id', 'conversations.message_count', 'conversations.last_message_at', 'conversations.last_message_id'] as const;

export async function listInbox(db: Kysely<DB>, actor: Actor, page = 1): Promise<{ items: InboxItem[]; page: number; hasMore: boolean; unread: number }> {
  const upTo = page * INBOX_PAGE + 1;
  const mine = await db
    .selectFrom('conversation_participants as p')
    .innerJoin('conversations', 'conversations.id', 'p.conversation_id')
    .select([...columns, 'p.last_read_message_id', 'p.muted'])
    .where('p.user_id', '=', actor.id)
    .where('p.left_at', 'is', null)
    .orderBy('conversations.last_message_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(upTo)
    .execute();
  const rows = mine.map((r) => ({ ...r, muted: !!r.muted, unread: r.last_message_id > r.last_read_message_id }));
  if (isStaff(actor)) {
    // The team's conversations this team member has not opened yet: the team reads them as a group (unread until opened).
    const team = await db.selectFrom('conversations').select(columns).where('team', '=', 1).orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(upTo).execute();
    // Joined ones are in `mine` already; one this team member left stays out of their inbox.
    const joined = team.length
      ? await db.selectFrom('conversation_participants').select('conversation_id').where('user_id', '=', actor.id).where('conversation_id', 'in', team.map((t) => t.id)).execute()
      : [];
    const seen = new Set([...rows.map((r) => r.id), ...joined.map((j) => j.conversation_id)]);
    for (const t of team) if (!seen.has(t.id)) rows.push({ ...t, last_read_message_id: 0, muted: false, unread: true });
    rows.sort((a, b) => (a.last_message_at < b.last_message_at ? 1 : a.last_message_at > b.last_message_at ? -1 : b.id - a.id));
  }
  const slice = rows.slice((page - 1) * INBOX_PAGE, page * INBOX_PAGE);
  const others = new Map<number, number[]>();
  if (slice.length) {
    const ps = await db.selectFrom('conversation_participants').select(['conversation_id', 'user_id']).where('conversation_id', 'in', slice.map((r) => r.id)).where('left_at', 'is', null).execute();
    for (const p of ps) if (p.user_id !== actor.id) (others.get(p.conversation_id) ?? others.set(p.conversation_id, []).get(p.conversation_id)!).push(p.user_id);
  }
  const cards = await authorCards(db, [...others.values()].flat());
  const items = slice.map((r) => ({
    id: r.id,
    subject: r.subject,
    team: !!r.team,
    topic_id: r.topic_id,
    message_count: r.message_count,
    last_message_at: r.last_message_at,
    unread: r.unread,
    muted: r.muted,
    others: (others.get(r.id) ?? []).map((id) => cards.get(id)?.display_name ?? null),
  }));
  return { items, page, hasMore: rows.length > page * INBOX_PAGE, unread: rows.filter((r) => r.unread).length };
}
