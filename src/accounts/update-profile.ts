import type { Kysely } from 'kysely';
import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { forgetAuthor } from './find-user.ts';
import { text, UserError } from '../shared/errors.ts';
import { displayNameSchema } from './validation.ts';
import { assertNotConfusable, roleWordProblem } from './impersonation.ts';

const input = z.object({
  displayName: displayNameSchema,
  bio: z.string().max(2000, 'accounts:errors.bioLong').default(''),
  realName: z.string().trim().max(120, 'accounts:errors.realNameLong').default(''),
  phone: z.string().trim().max(40, 'accounts:errors.phoneLong').default(''),
  customerNumber: z.string().trim().max(40, 'accounts:errors.customerNumberLong').regex(/^[A-Za-z0-9 ./-]*$/, 'accounts:errors.customerNumberChars').default(''),
});

/** Updates one's own profile. The bio is public text, so it passes the publish pipeline. */
export async function updateProfile(db: Kysely<DB>, actor: Actor, raw: z.input<typeof input>, phoneRegion: string): Promise<void> {
  const parsed = input.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]! as { message: string; path: PropertyKey[]; params?: Record<string, unknown> };
    throw new UserError(issue.params && Object.keys(issue.params).length ? text(issue.message, issue.params) : issue.message, 400, String(issue.path[0] ?? ''));
  }
  const p = parsed.data;
  let phone: string | null = null;
  if (p.phone) {
    try {
      const number = parsePhoneNumberWithError(p.phone, phoneRegion as CountryCode);
      if (!number.isValid()) throw new Error('invalid');
      phone = number.number; // E.164
    } catch {
      throw new UserError(text('accounts:errors.phoneInvalid'), 400, 'phone');
    }
  }
  const roleWord = roleWordProblem(p.displayName, [...actor.roles]);
  if (roleWord) throw new UserError(roleWord, 400, 'displayName');
  await assertNotConfusable(db, { displayName: p.displayName }, actor.id);
  const bio = p.bio.trim() ? (await runPublishPipeline(db, { actor, where: 'bio', body: p.bio })).bodyMarkdown : '';
  await db
    .updateTable('users')
    .set({ display_name: p.displayName, bio, real_name: p.realName || null, phone, customer_number: p.customerNumber || null })
    .where('id', '=', actor.id)
    .execute();
  forgetAuthor(db, actor.id); // the new display name beside their posts at once
}
