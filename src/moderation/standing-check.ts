// The publish pipeline's account check (issue 13, point 7): a silenced or suspended account
// publishes nothing, on any path; the message says why and until when.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { UserError } from '../shared/errors.ts';
import { describeStanding, standingOf } from './restrict-user.ts';

export async function standingCheck(d: { actor: Actor; approvedBy?: number }, db: Kysely<DB>): Promise<void> {
  if (d.approvedBy) return; // the team published a draft written before the restriction
  const s = await standingOf(db, d.actor.id);
  if (s) throw new UserError(describeStanding(s), 403);
}
