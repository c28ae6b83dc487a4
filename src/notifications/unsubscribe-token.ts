// One-click unsubscribe links that need no sign-in and cannot be forged: the person, the kind
// and an expiry, signed with an HMAC keyed by the installation's secret (its own derived key).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationKind } from '../db/schema.ts';
import { text, UserError, type Text } from '../shared/errors.ts';
import { KINDS } from './preferences.ts';

const VALID_DAYS = 60;

const keyFor = (secret: string) => createHmac('sha256', secret).update('parley:unsubscribe:v1').digest();
const sign = (secret: string, payload: string) => createHmac('sha256', keyFor(secret)).update(payload).digest('base64url');

export interface UnsubscribeClaim {
  userId: number;
  /** A kind of notification, or the digest e-mail (send-digests.ts). */
  kind: NotificationKind | 'digest';
}

/** The query string of a signed unsubscribe link. */
export function unsubscribeQuery(secret: string, claim: UnsubscribeClaim, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + VALID_DAYS * 86_400;
  const payload = `${claim.userId}.${claim.kind}.${expires}`;
  return `u=${claim.userId}&k=${claim.kind}&e=${expires}&s=${sign(secret, payload)}`;
}

export class BadUnsubscribeLinkError extends UserError {
  constructor(message: Text) {
    super(message, 400);
  }
}

/** Checks a link's values; a forged, altered or expired link is refused with a clear reason. */
export function verifyUnsubscribe(secret: string, q: { u?: unknown; k?: unknown; e?: unknown; s?: unknown }, now = Date.now()): UnsubscribeClaim {
  const invalid = () => new BadUnsubscribeLinkError(text('notifications:errors.unsubscribeInvalid'));
  const u = Number(q.u);
  const e = Number(q.e);
  if (!Number.isInteger(u) || u < 1 || !Number.isInteger(e) || typeof q.k !== 'string' || !(KINDS.includes(q.k as NotificationKind) || q.k === 'digest') || typeof q.s !== 'string') throw invalid();
  const expected = Buffer.from(sign(secret, `${u}.${q.k}.${e}`));
  const given = Buffer.from(q.s);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  if (e * 1000 < now) throw new BadUnsubscribeLinkError(text('notifications:errors.unsubscribeExpired'));
  return { userId: u, kind: q.k as UnsubscribeClaim['kind'] };
}
