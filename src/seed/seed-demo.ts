// Seeds the demo community: accounts, boards and ~30 threads, written through the same use
// cases as the web (so every post passes the publish pipeline). Passwords are random per
// installation and returned once for printing; they are never stored in clear or logged.
import { storeDemoIdentity } from '../web/site-identity.ts';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createUser } from '../accounts/create-user.ts';
import { acknowledgeGuidelines, currentGuidelines } from '../accounts/guidelines.ts';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { acceptAnswer } from '../community/accept-answer.ts';
import { createBoard } from '../community/create-board.ts';
import { createReply } from '../community/create-reply.ts';
import { createTopic } from '../community/create-topic.ts';
import { demoBoards, demoConversations, demoSite, demoThreads, demoUsers } from './demo-content.ts';
import { startConversation } from '../conversations/start-conversation.ts';
import { replyToConversation } from '../conversations/reply-to-conversation.ts';
import { addParticipants } from '../conversations/add-participants.ts';

export interface DemoLogin {
  username: string;
  password: string;
  roles: Role[];
}

export async function isEmpty(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}

/** Seeds into an empty database; refuses to mix demo data into a community that has data. */
export async function seedDemo(
  db: Kysely<DB>,
  onProgress: (done: number, total: number) => void = () => {},
  now = Date.now(),
): Promise<DemoLogin[]> {
  if (!(await isEmpty(db))) throw new Error('The database already has accounts: the demo community is only seeded into an empty database.');
  const total = demoUsers.length + demoBoards.length + demoThreads.length;
  let done = 0;
  const step = () => onProgress(++done, total);

  const actors = new Map<string, Actor>();
  const logins: DemoLogin[] = [];
  const oldest = Math.max(...demoThreads.map((t) => t.daysAgo)) + 30;
  for (const u of demoUsers) {
    const password = `${u.username.replace(/^demo-/, '')}-${randomBytes(9).toString('base64url')}`;
    const { id } = await createUser(db, {
      username: u.username,
      email: u.email,
      displayName: u.displayName,
      password,
      bio: u.bio,
      roles: u.roles,
      emailVerified: true,
      createdAt: new Date(now - oldest * 86_400_000).toISOString(),
    });
    const actor: Actor = { id, roles: new Set<Role>(['member', ...u.roles]) };
    actors.set(u.key, actor);
    // The demo's employees have acknowledged the guidelines (they have posted); publishing a new
    // version from /guidelines/edit shows the acknowledgement step.
    if (u.roles.includes('employee')) await acknowledgeGuidelines(db, actor, (await currentGuidelines(db)).version);
    if (u.demoLogin) logins.push({ username: u.username, password, roles: u.roles });
    step();
  }
  for (const b of demoBoards) {
    await createBoard(db, null, b);
    step();
  }
  const actor = (key: string): Actor => {
    const a = actors.get(key);
    if (!a) throw new Error(`demo content names an unknown user "${key}"`);
    return a;
  };
  // Oldest first, so that ids and "latest activity" follow the story's order.
  for (const t of [...demoThreads].sort((a, b) => b.daysAgo - a.daysAgo)) {
    const opened = now - t.daysAgo * 86_400_000 - 3_600_000 * 3;
    const topic = await createTopic(db, actor(t.author), {
      boardSlug: t.board,
      kind: t.kind,
      title: t.title,
      body: t.body,
      at: new Date(opened).toISOString(),
    });
    if (t.pinned) await db.updateTable('topics').set({ pinned: 1 }).where('id', '=', topic.id).execute();
    for (const r of t.replies) {
      const at = Math.min(opened + r.hoursAfter * 3_600_000, now - 60_000);
      const reply = await createReply(db, actor(r.author), { topicId: topic.id, body: r.body, at: new Date(at).toISOString() });
      if (r.accepted) await acceptAnswer(db, actor(t.author), reply.id);
    }
    step();
  }
  for (const c of demoConversations) {
    const started = now - c.daysAgo * 86_400_000;
    const at = (hours: number) => new Date(Math.min(started + hours * 3_600_000, now - 60_000)).toISOString();
    const username = (key: string) => demoUsers.find((u) => u.key === key)!.username;
    const [first, ...rest] = c.steps;
    if (!first || !('body' in first)) throw new Error('a demo conversation starts with a message');
    const { id } = await startConversation(db, actor(first.author), { to: c.to.map(username), subject: c.subject, body: first.body, at: at(first.hoursAfter) });
    for (const s of rest) {
      if ('body' in s) await replyToConversation(db, actor(s.author), id, s.body, at(s.hoursAfter));
      else await addParticipants(db, actor(s.by), id, s.adds.map(username), at(s.hoursAfter));
    }
    const last = await db.selectFrom('conversations').select('last_message_id').where('id', '=', id).executeTakeFirstOrThrow();
    await db.updateTable('conversation_participants').set({ last_read_message_id: last.last_message_id }).where('conversation_id', '=', id).where('user_id', 'in', c.readBy.map((k) => actor(k).id)).execute();
  }
  // The story's notifications (accepted answers, ...) stay in the app, read or not: nobody is
  // e-mailed about a demo's past, and with a real SMTP_URL the demo people's example addresses
  // would otherwise be sent mail on the first start.
  await db.updateTable('notifications').set({ emailed_at: new Date(now).toISOString() }).where('emailed_at', 'is', null).execute();
  await storeDemoIdentity(db, demoSite.name, demoSite.companyDomain);
  return logins;
}
