// Employee guidelines: versioned Markdown that community managers edit. An employee
// acknowledges the current version before their first post; a new version asks again.
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text as say, UserError } from '../shared/errors.ts';
import { imageOptionsFor, renderMarkdown } from '../shared/markdown.ts';

const DEFAULT_TEXT = readFileSync(new URL('./default-guidelines.md', import.meta.url), 'utf8');

/** The current version; the default text becomes version 1 on first use. */
export async function currentGuidelines(db: Kysely<DB>) {
  const row = await db.selectFrom('guideline_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (row) return row;
  await db
    .insertInto('guideline_versions')
    .values({ version: 1, body_markdown: DEFAULT_TEXT, body_html: renderMarkdown(DEFAULT_TEXT), created_by: null, created_at: nowIso() })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  return db.selectFrom('guideline_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
}

/** Does this actor still have to acknowledge the current guidelines before posting? */
export async function mustAcknowledgeGuidelines(db: Kysely<DB>, actor: Actor): Promise<boolean> {
  if (!actor.roles.has('employee')) return false;
  const current = await currentGuidelines(db);
  const ack = await db.selectFrom('guideline_acks').select('at').where('user_id', '=', actor.id).where('version', '=', current.version).executeTakeFirst();
  return !ack;
}

export async function acknowledgeGuidelines(db: Kysely<DB>, actor: Actor, version: number): Promise<void> {
  const current = await currentGuidelines(db);
  if (version !== current.version) throw new UserError(say('accounts:errors.guidelinesChanged'), 409);
  await db
    .insertInto('guideline_acks')
    .values({ user_id: actor.id, version, at: nowIso() })
    .onConflict((oc) => oc.columns(['user_id', 'version']).doNothing())
    .execute();
}

export async function publishGuidelines(db: Kysely<DB>, actor: Actor, markdown: string): Promise<number> {
  authorize(actor, 'guidelines.edit', null);
  const text = typeof markdown === 'string' ? markdown.replace(/\r\n?/g, '\n').trim() : '';
  if (text.length < 20) throw new UserError(say('accounts:errors.guidelinesShort'), 400, 'body');
  if (text.length > 50_000) throw new UserError(say('accounts:errors.guidelinesLong'), 413, 'body');
  const current = await currentGuidelines(db);
  const version = current.version + 1;
  await db.insertInto('guideline_versions').values({ version, body_markdown: text, body_html: renderMarkdown(text, undefined, imageOptionsFor(db)), created_by: actor.id, created_at: nowIso() }).execute();
  return version;
}
