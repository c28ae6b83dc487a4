// Watching and muting a topic or a board. 'default' removes the person's choice: then topics
// they started or replied to are watched (unless they turned that off), and nothing else is.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';

export type WatchLevel = 'watching' | 'muted' | 'default';

export async function setWatch(db: Kysely<DB>, actor: Actor, target: 'topic' | 'board', id: number, level: string): Promise<void> {
  if (level !== 'watching' && level !== 'muted' && level !== 'default') throw new UserError(text('notifications:errors.watchLevel'), 400, 'level');
  if (target === 'topic') {
    const t = await db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility']).where('topics.id', '=', id).executeTakeFirst();
    if (!t) throw new NotFoundError(text('notifications:errors.noSuchTopic'));
    authorize(actor, 'topic.view', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at });
  } else {
    const b = await db.selectFrom('boards').select('visibility').where('id', '=', id).executeTakeFirst();
    if (!b) throw new NotFoundError(text('notifications:errors.noSuchBoard'));
    authorize(actor, 'board.view', b);
  }
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('watches').where('user_id', '=', actor.id).where('target', '=', target).where('target_id', '=', id).execute();
    if (level !== 'default') await tx.insertInto('watches').values({ user_id: actor.id, target, target_id: id, level, created_at: nowIso() }).execute();
  });
}

export async function watchLevel(db: Kysely<DB>, actor: Actor, target: 'topic' | 'board', id: number): Promise<WatchLevel> {
  const w = await db.selectFrom('watches').select('level').where('user_id', '=', actor.id).where('target', '=', target).where('target_id', '=', id).executeTakeFirst();
  return w?.level ?? 'default';
}

/** Whether topics one took part in are watched by default (on unless turned off). */
export async function setAutowatch(db: Kysely<DB>, actor: Actor, on: boolean): Promise<void> {
  const at = nowIso();
  await db
    .insertInto('notification_settings')
    .values({ user_id: actor.id, autowatch: on ? 1 : 0, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ autowatch: on ? 1 : 0, updated_at: at }))
    .execute();
}

export async function autowatchOn(db: Kysely<DB>, actor: Actor): Promise<boolean> {
  const s = await db.selectFrom('notification_settings').select('autowatch').where('user_id', '=', actor.id).executeTakeFirst();
  return s ? !!s.autowatch : true;
}
