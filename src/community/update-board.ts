// Community managers change a board: its name, address (slug), description, visibility and who
// starts topics there.
// A slug change takes the new address only when it is free; the old /b/<slug> pages then
// redirect to the new ones (board-slug-history.ts). Topic URLs do not contain the board, so they
// are not affected.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BoardVisibility, DB, TopicCreators } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { rememberOldSlug } from './board-slug-history.ts';

export const BOARD_VISIBILITIES = ['public', 'members', 'staff'] as const satisfies readonly BoardVisibility[];
export const TOPIC_CREATORS = ['members', 'staff'] as const satisfies readonly TopicCreators[];

const fields = z.object({
  name: z.string().trim().min(2, 'community:errors.boardNameShort').max(60, 'community:errors.boardNameLong'),
  slug: z
    .string()
    .trim()
    .min(1, 'Slug (the board address) is required')
    .max(60, 'community:errors.slugLong')
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'community:errors.slugFormat'),
  description: z.string().trim().max(500, 'community:errors.descriptionLong'),
  visibility: z.enum(BOARD_VISIBILITIES, { error: 'community:errors.visibility' }),
  // The form for a new board leaves it out: readers start topics.
  topic_creators: z.enum(TOPIC_CREATORS, { error: 'community:errors.topicCreators' }).default('members'),
});

export type BoardFields = z.infer<typeof fields>;

/** Checks a board form; the UserError names the first bad field (for the form to mark it). */
export function parseBoardFields(raw: Partial<Record<keyof BoardFields, unknown>>, opts: { slugOptional?: boolean } = {}): Omit<BoardFields, 'slug'> & { slug?: string } {
  const schema = opts.slugOptional ? fields.extend({ slug: fields.shape.slug.optional() }) : fields;
  const slug = typeof raw.slug === 'string' && raw.slug.trim() === '' && opts.slugOptional ? undefined : raw.slug;
  const parsed = schema.safeParse({ ...raw, slug });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(issue.message, 400, String(issue.path[0] ?? ''));
  }
  return parsed.data;
}

/** Unique-constraint violations on SQLite and PostgreSQL (a concurrent write took the slug). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Updates the board now at `slug`. Returns its (possibly new) slug. */
export async function updateBoard(db: Kysely<DB>, actor: Actor, slug: string, raw: Partial<Record<keyof BoardFields, unknown>>): Promise<{ id: number; slug: string }> {
  authorize(actor, 'board.manage', null);
  const b = parseBoardFields(raw) as BoardFields;
  try {
    return await db.transaction().execute(async (tx) => {
      const board = await tx.selectFrom('boards').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();
      if (!board) throw new NotFoundError(text('community:errors.noSuchBoard'));
      if (b.slug !== board.slug && (await tx.selectFrom('boards').select('id').where('slug', '=', b.slug).executeTakeFirst())) {
        throw new UserError(text('community:errors.slugTaken', { slug: b.slug }), 409, 'slug');
      }
      await tx
        .updateTable('boards')
        .set({ name: b.name, slug: b.slug, description: b.description, visibility: b.visibility, topic_creators: b.topic_creators })
        .where('id', '=', board.id)
        .execute();
      if (b.slug !== board.slug) await rememberOldSlug(tx, board.id, board.slug, b.slug);
      return { id: board.id, slug: b.slug };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new UserError(text('community:errors.slugTaken', { slug: b.slug }), 409, 'slug');
    throw err;
  }
}
