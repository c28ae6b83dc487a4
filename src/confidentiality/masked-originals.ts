// The unmasked originals of masked posts: readable by moderators only, purged after the
// policy's maskRetentionDays (purgeMaskedOriginals runs at start and daily).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { maskText, scanText, decide, type GuardPolicy } from '../guard/index.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import type { GuardContext } from './registers.ts';

export interface MaskedOriginal {
  body: string;
  title?: string;
  /** The exact substrings that were masked (kept in memory only, to clean older revisions). */
  values?: string[];
  /** Attachments whose text was masked: their original name and text. */
  attachments?: Array<{ name: string; text: string }>;
  /** Only attachments were masked: title and body are stored as written, no original to keep for them. */
  textUnchanged?: boolean;
}

function purgeAfter(policy: Pick<GuardPolicy, 'maskRetentionDays'>, from = Date.now()): string {
  return new Date(from + policy.maskRetentionDays * 86_400_000).toISOString();
}

/** Keep the original of a post that was published masked (call inside the write transaction). */
export async function storeMaskedOriginal(
  tx: Kysely<DB>,
  postId: number,
  original: MaskedOriginal | string,
  policy: Pick<GuardPolicy, 'maskRetentionDays'>,
  revision: number | null = null,
): Promise<void> {
  const o: MaskedOriginal = typeof original === 'string' ? { body: original } : original;
  const at = nowIso();
  const rows = [
    ...(o.textUnchanged ? [] : [{ original_title: o.title ?? null, original_markdown: o.body, attachment_name: null }]),
    ...(o.attachments ?? []).map((a) => ({ original_title: null, original_markdown: a.text, attachment_name: a.name })),
  ];
  if (!rows.length) return;
  await tx
    .insertInto('masked_originals')
    .values(rows.map((r) => ({ ...r, post_id: postId, revision, masked_at: at, purge_after: purgeAfter(policy) })))
    .execute();
}

/** Moderators (and community managers, admins) only. */
export async function readMaskedOriginals(db: Kysely<DB>, actor: Actor | null, postId: number) {
  authorize(actor, 'guard.viewMaskedOriginal', null);
  return db.selectFrom('masked_originals').selectAll().where('post_id', '=', postId).where('purge_after', '>', nowIso()).orderBy('id').execute();
}

/** Delete originals whose retention has passed. Returns how many were deleted. */
export async function purgeMaskedOriginals(db: Kysely<DB>, at = nowIso()): Promise<number> {
  const r = await db.deleteFrom('masked_originals').where('purge_after', '<=', at).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}

/**
 * When an edit is published masked, no older revision may keep a masked value: each stored
 * revision of the post is scanned with the author's roles and masked the same way (its
 * original kept for moderators like the post's), and any literal occurrence of the values
 * masked in the edit is replaced as well.
 */
export async function maskRevisions(
  tx: Kysely<DB>,
  postId: number,
  ctx: Pick<GuardContext, 'registers' | 'options' | 'policy'>,
  roles: readonly string[],
  values: readonly string[] = [],
): Promise<number> {
  const revisions = await tx.selectFrom('post_revisions').select(['id', 'revision', 'title', 'body_markdown']).where('post_id', '=', postId).execute();
  let changed = 0;
  const literal = values.filter((v) => v.trim().length >= 3).sort((a, b) => b.length - a.length);
  const clean = (text: string): string => {
    let out = text;
    const findings = scanText(out, { registers: ctx.registers, options: ctx.options });
    const d = decide(findings, { roles, policy: ctx.policy });
    const toMask = d.perFinding.filter((p) => p.action === 'mask' || p.action === 'block' || p.action === 'hold').map((p) => p.finding);
    if (toMask.length) out = maskText(out, toMask);
    for (const v of literal) out = out.split(v).join('[removed]');
    return out;
  };
  for (const r of revisions) {
    const body = clean(r.body_markdown);
    const title = r.title === null ? null : clean(r.title);
    if (body === r.body_markdown && title === r.title) continue;
    await storeMaskedOriginal(tx, postId, { body: r.body_markdown, ...(r.title !== null ? { title: r.title } : {}) }, ctx.policy, r.revision);
    await tx.updateTable('post_revisions').set({ body_markdown: body, title }).where('id', '=', r.id).execute();
    changed++;
  }
  return changed;
}
