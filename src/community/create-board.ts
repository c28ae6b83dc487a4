import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BoardVisibility, DB, TopicCreators } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';
import { forgetOldSlug } from './board-slug-history.ts';

const input = z.object({
  name: z.string().trim().min(2, 'community:errors.boardNameShort').max(60, 'community:errors.boardNameLong'),
  slug: z.string().trim().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'community:errors.slugFormat').max(60).optional(),
  description: z.string().trim().max(500, 'community:errors.descriptionLong').default(''),
  visibility: z.enum(['public', 'members', 'staff'] satisfies BoardVisibility[]).default('public'),
  topic_creators: z.enum(['members', 'staff'] satisfies TopicCreators[]).default('members'),
  position: z.number().int().optional(),
});

/** Creates a board. `actor` null means the system (CLI, seed), which bypasses the policy. */
export async function createBoard(db: Kysely<DB>, actor: Actor | null, raw: z.input<typeof input>): Promise<{ id: number; slug: string }> {
  if (actor) authorize(actor, 'board.manage', null);
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message);
  const b = parsed.data;
  const slug = b.slug ?? slugify(b.name, 60);
  return db.transaction().execute(async (tx) => {
    if (await tx.selectFrom('boards').select('id').where('slug', '=', slug).executeTakeFirst()) {
      throw new UserError(text('community:errors.slugTaken', { slug }), 409, 'slug');
    }
    const last = await tx.selectFrom('boards').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
    const { id } = await tx
      .insertInto('boards')
      .values({
        slug,
        name: b.name,
        description: b.description,
        visibility: b.visibility,
        topic_creators: b.topic_creators,
        position: b.position ?? Number(last?.p ?? 0) + 1,
        last_post_at: null,
        last_topic_id: null,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await forgetOldSlug(tx, slug);
    return { id, slug };
  });
}
