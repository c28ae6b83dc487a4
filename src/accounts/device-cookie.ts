// A device cookie (OWASP): a browser that signed in to an account with its password gets a signed
// cookie naming that account. Its sign-in failures are then counted apart from everyone else's at
// the same address (sign-in-throttle.ts), so an attacker behind the same NAT cannot slow it down.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignInClient } from './sign-in-throttle.ts';

export const DEVICE_COOKIE = 'parley_device';
const DEVICE_DAYS = 365;

/** The client of a sign-in or password check: its address (per TRUST_PROXY) and its device cookie. */
export function signInClient(request: FastifyRequest): SignInClient {
  const raw = request.cookies[DEVICE_COOKIE];
  const unsigned = raw ? request.unsignCookie(raw) : null;
  const m = unsigned?.valid && unsigned.value ? /^(\d{1,10})\.([A-Za-z0-9_-]{22,64})$/.exec(unsigned.value) : null;
  return { address: request.ip, device: m ? { userId: Number(m[1]), id: m[2]! } : null, userAgent: request.headers['user-agent'] ?? null };
}

/** After a correct password: mark this browser as one the account's owner uses (kept if already so). */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, userId: number, secure: boolean): void {
  const current = signInClient(request).device;
  if (current?.userId === userId) return;
  reply.setCookie(DEVICE_COOKIE, `${userId}.${randomBytes(18).toString('base64url')}`, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: DEVICE_DAYS * 86_400,
  });
}
