import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { changeRole } from './change-role.ts';

/** Is this address on one of the company's domains (and, if allowed, their subdomains)? */
export function isCompanyAddress(email: string, domains: readonly string[], allowSubdomains: boolean): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((d) => domain === d || (allowSubdomains && domain.endsWith('.' + d)));
}

/**
 * The Employee role follows the verified address: granted when a company address is verified,
 * taken away when the verified address moves to another domain. Called only with a verified
 * address; an unverified one never grants anything. Accounts that signed in through company
 * SSO keep the role they got there (reason 'sso').
 */
export async function syncEmployeeRole(
  db: Kysely<DB>,
  userId: number,
  verifiedEmail: string,
  settings: { domains: readonly string[]; allowSubdomains: boolean },
): Promise<void> {
  const company = isCompanyAddress(verifiedEmail, settings.domains, settings.allowSubdomains);
  if (!company) {
    // Company single sign-on vouches for the person, whatever address they verify here.
    const sso = await db.selectFrom('user_identities').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    if (sso) return;
  }
  await changeRole(db, {
    userId,
    role: 'employee',
    action: company ? 'grant' : 'revoke',
    actorId: null,
    reason: company ? 'verified company e-mail address' : 'verified address is not on a company domain',
  });
}
