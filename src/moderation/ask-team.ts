// "Ask the community team" from the API (askTeam: true on a topic or reply): the draft goes to the
// team's queue with the guard's findings (positions and reasons, no values), as the web composer does.
import type { Kysely } from 'kysely';
import type { AttachmentText } from '../attachments/text-file.ts';
import { checkDraft } from '../confidentiality/check.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { holdDraft, type HeldFinding, type HoldInput } from './hold-draft.ts';

async function findingsFor(db: Kysely<DB>, actor: Actor, body: string, where: 'topic' | 'reply', title?: string, attachments: AttachmentText[] = []): Promise<HeldFinding[]> {
  if (body.length > 50_000) return []; // holdDraft refuses it with a clear message
  const { findings } = await checkDraft(db, actor, { body, where, ...(title !== undefined ? { title: title.trim().replace(/\s+/g, ' ') } : {}), ...(attachments.length ? { attachments } : {}) });
  return findings.map((f) => ({ type: f.type, field: f.field, ...(f.attachment !== undefined ? { attachment: f.attachment, attachmentName: f.attachmentName! } : {}), start: f.start, end: f.end, reason: f.reason }));
}

/** Hold a topic or reply draft for the community team; returns the held draft's id. */
type AskInput = HoldInput extends infer H ? (H extends HoldInput ? Omit<H, 'findings' | 'reason'> : never) : never;
export async function askTeam(db: Kysely<DB>, actor: Actor, input: AskInput): Promise<{ id: number }> {
  const body = input.body.replace(/\r\n?/g, '\n').trim();
  const findings = await findingsFor(db, actor, body, input.kind, input.kind === 'topic' ? input.title : undefined, input.attachments ?? []);
  return holdDraft(db, actor, { ...input, body, findings, reason: 'asked' } as HoldInput);
}
