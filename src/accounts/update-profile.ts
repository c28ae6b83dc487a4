import type { Kysely } from 'kysely';
import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { forgetAuthor } from './find-user.ts';
import { UserError } from '../shared/errors.ts';
import { displayNameSchema } from './validation.ts';
import { assertNotConfusable, roleWordProblem } from './impersonation.ts';

const input = z.object({
  displayName: displayNameSchema,
  bio: z.string().max(2000, 'Bio must be at most 2,000 characters').default(''),
  realName: z.string().trim().max(120, 'Real name must be at most 120 characters').default(''),
  phone: z.string().trim().max(40, 'Phone number is too long').default(''),
  customerNumber: z.string().trim().max(40, 'Customer number must be at most 40 characters').regex(/^[A-Za-z0-9 ./-]*$/, 'Customer number may use letters, digits, spaces, ".", "/" and "-"').default(''),
});

/** Updates one's own profile. The bio is public text, so it passes the publish pipeline. */
export async function updateProfile(db: Kysely<DB>, actor: Actor, raw: z.input<typeof input>, phoneRegion: string): Promise<void> {
  const parsed = input.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message, 400, String(issue.path[0] ?? ''));
  }
  const p = parsed.data;
  let phone: string | null = null;
  if (p.phone) {
    try {
      const number = parsePhoneNumberWithError(p.phone, phoneRegion as CountryCode);
      if (!number.isValid()) throw new Error('invalid');
      phone = number.number; // E.164
    } catch {
      throw new UserError('Enter a valid phone number, with the country code if it is not from here (for example +31 6 1234 5678).', 400, 'phone');
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
