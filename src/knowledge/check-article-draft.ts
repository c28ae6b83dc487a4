// The article editor's live check (issue 18, item 5: "the article editor shows a preview and the
// guard's findings live, like the composer"): the guard's findings and the watched words for a
// draft title and body, as the composer's /check gives them, without saving anything. Checked as
// an article (audit, no tone nudge: that is for employees' replies). The server checks again on save.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { checkDraft, type DraftCheck } from '../confidentiality/check.ts';
import { watchedLiveFindings, type WatchedLiveFinding } from '../moderation/watched-live-check.ts';
import { LIMITS } from '../publish/pipeline.ts';
import { text, UserError } from '../shared/errors.ts';
import { en, type T } from '../i18n/index.ts';

export async function checkArticleDraft(
  db: Kysely<DB>,
  actor: Actor,
  draft: { title?: string; body: string },
  t: T = en,
): Promise<DraftCheck & { watched?: WatchedLiveFinding[] }> {
  authorize(actor, 'article.edit', null);
  if (draft.body.length > LIMITS.bodyMax || (draft.title?.length ?? 0) > 1000) throw new UserError(text('knowledge:errors.checkTooLong', { max: LIMITS.bodyMax }), 413);
  const result = await checkDraft(db, actor, { body: draft.body, where: 'article', target: 'article', ...(draft.title !== undefined ? { title: draft.title } : {}) });
  const watched = await watchedLiveFindings(db, actor, draft, t);
  return { action: result.action, canAskCommunityTeam: false, findings: result.findings, ...(watched.length ? { watched } : {}) };
}
