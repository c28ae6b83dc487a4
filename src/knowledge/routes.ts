// Knowledge-base pages: the list, articles with their versions, and the community managers'
// forms (write, edit, publish, unpublish, turn a solved question into an article).
import { findingLabel, findingReason, findingWhat } from '../confidentiality/finding-texts.ts';
import { FINDING_PHRASES, GuardStoppedError, type GuardFinding } from '../confidentiality/check.ts';
import { applyQuickFix, findingsToFix, type FixTexts } from '../confidentiality/quick-fix.ts';
import { warnedMessage, withWarnings } from '../confidentiality/warned-notice.ts';
import type { T } from '../i18n/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../policy/policy.ts';
import { formErrors, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { ArticleExistsError, articleUrl } from './articles.ts';
import { createArticle } from './create-article.ts';
import { createArticleFromTopic } from './create-article-from-topic.ts';
import { articleForEditing, editArticle } from './edit-article.ts';
import { checkArticleDraft } from './check-article-draft.ts';
import { listArticles } from './list-articles.ts';
import { publishArticle } from './publish-article.ts';
import { unpublishArticle } from './unpublish-article.ts';
import { showArticle } from './show-article.ts';
import { showArticleVersion } from './show-article-version.ts';
import { signedIn, formText as str } from '../web/request-helpers.ts';

type Form = Record<string, string | undefined>;


const slugParam = { type: 'string', minLength: 1, maxLength: 100 } as const;
const int = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;
const slugParams = { type: 'object', properties: { slug: slugParam }, required: ['slug'] } as const;

/** The guard's findings panel on the article form (partials/guard-findings-panel.eta), as posts get it. */
const articlePanel = (message: string, findings: readonly GuardFinding[], texts: FixTexts, t: T) => ({
  message,
  findings: findingsToFix(findings, texts),
  phrases: Object.fromEntries(Object.keys(FINDING_PHRASES).map((type) => [type, findingWhat(t, type)])),
  canAskTeam: false,
});

/** "Your draft was saved, but it contains…" after a redirect (`?warned=`), for a signed-in writer only. */
const warnedFor = (request: FastifyRequest) => (request.actor ? warnedMessage((request.query as { warned?: unknown } | undefined)?.warned, translatorFor(request).t) : null);
const pageQuery = { type: 'object', properties: { page: { ...int, default: 1 } } } as const;

export async function knowledgeRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const cached = { anonymousCache: true };

  interface FormPage {
    mode: 'new' | 'edit';
    values: { title: string; body: string; note: string; baseVersion?: string };
    slug?: string;
    error?: string | null;
    field?: string | null;
    errors?: Record<string, string> | null;
    guardPanel?: ReturnType<typeof articlePanel>;
    guardWarned?: string | null;
  }
  const formPage = (reply: FastifyReply, page: FormPage, status = 200) =>
    reply.code(status).view('kb-edit', {
      title: page.mode === 'new' ? translatorFor(reply.request).t('knowledge:page.newTitle') : translatorFor(reply.request).t('knowledge:page.editTitle', { title: page.values.title }),
      csrf: reply.generateCsrf(),
      error: null,
      field: null,
      errors: null,
      ...page,
    });
  // Bad input re-renders the form with the message and what was typed; other refusals
  // (sign in, not allowed, no such article) are error pages.
  const formError = (reply: FastifyReply, page: FormPage) => (err: unknown) => {
    if (err instanceof UserError && (err.field || [400, 409, 413, 422].includes(err.status))) {
      return formPage(reply, { ...page, ...formErrors(err, translatorFor(reply.request).t) }, err.status);
    }
    throw err;
  };

  app.get<{ Querystring: { page: number } }>('/kb', { config: cached, schema: { querystring: pageQuery } }, async (request, reply) => {
    const data = await listArticles(db, request.actor, request.query.page);
    const { t } = translatorFor(request);
    return reply.view('kb-list', {
      ...data,
      title: data.page > 1 ? t('knowledge:page.titlePaged', { page: data.page }) : t('knowledge:page.title'),
      canonical: data.page > 1 ? `/kb?page=${data.page}` : '/kb',
    });
  });

  app.get('/kb/new', async (request, reply) => {
    authorize(signedIn(request), 'article.edit', null);
    return formPage(reply, { mode: 'new', values: { title: '', body: '', note: '' } });
  });

  app.post<{ Body: Form }>('/kb', async (request, reply) => {
    const actor = signedIn(request);
    const values = { title: str(request.body?.title), body: str(request.body?.body), note: str(request.body?.note) };
    let created;
    try {
      created = await createArticle(db, actor, values);
    } catch (err) {
      return formError(reply, { mode: 'new', values })(err);
    }
    // Saved as a draft; what the guard found is told on the article's page (no JavaScript needed).
    return reply.redirect(withWarnings(articleUrl(created.slug), 'article', created.warnings), 303);
  });

  app.post<{ Params: { topicId: number } }>(
    '/kb/from-topic/:topicId',
    { schema: { params: { type: 'object', properties: { topicId: int }, required: ['topicId'] } } },
    async (request, reply) => {
      let created;
      try {
        created = await createArticleFromTopic(db, signedIn(request), request.params.topicId, undefined, translatorFor(request).t);
      } catch (err) {
        if (!(err instanceof ArticleExistsError)) throw err;
        const { t } = translatorFor(request);
        return reply.code(409).view('notice', {
          title: t('knowledge:fromTopic.existsTitle'),
          message: t('knowledge:fromTopic.existsMessage'),
          link: { href: articleUrl(err.existing.slug), text: err.existing.title },
        });
      }
      return reply.redirect(withWarnings(`${articleUrl(created.slug)}/edit`, 'article', created.warnings), 303);
    },
  );

  app.get<{ Params: { slug: string } }>('/kb/:slug', { config: cached, schema: { params: slugParams } }, async (request, reply) => {
    const data = await showArticle(db, request.actor, request.params.slug);
    return reply.view('kb-article', { ...data, isCurrent: true, title: data.version.title, canonical: articleUrl(data.article.slug), guardWarned: warnedFor(request) });
  });

  app.get<{ Params: { slug: string; n: number } }>(
    '/kb/:slug/versions/:n',
    { config: cached, schema: { params: { type: 'object', properties: { slug: slugParam, n: int }, required: ['slug', 'n'] } } },
    async (request, reply) => {
      const data = await showArticleVersion(db, request.actor, request.params.slug, request.params.n);
      return reply.view('kb-article', { ...data, title: translatorFor(request).t('knowledge:page.versionTitle', { title: data.version.title, version: data.version.version }) });
    },
  );

  app.get<{ Params: { slug: string } }>('/kb/:slug/edit', { schema: { params: slugParams } }, async (request, reply) => {
    const { article, title, body } = await articleForEditing(db, signedIn(request), request.params.slug);
    reply.header('cache-control', 'no-store');
    return formPage(reply, { mode: 'edit', slug: article.slug, values: { title, body, note: '', baseVersion: String(article.current_version) }, guardWarned: warnedFor(request) });
  });

  app.post<{ Params: { slug: string }; Body: Form }>('/kb/:slug', { schema: { params: slugParams } }, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    const values = { title: str(b.title), body: str(b.body), note: str(b.note), baseVersion: str(b.baseVersion) };
    const base = /^\d{1,9}$/.test(values.baseVersion) ? Number(values.baseVersion) : undefined;
    if (b.fix !== undefined) {
      // "Replace with a placeholder" in the findings panel: the fixed text back in the form, checked
      // again, not saved, so the writer sees it first (as a stopped post's quick fix).
      const { t } = translatorFor(request);
      const texts = { title: values.title, body: values.body.replace(/\r\n?/g, '\n') };
      const before = await checkArticleDraft(db, actor, texts, t);
      const fixed = applyQuickFix(texts, str(b.fix), before.findings, t);
      const after: FixTexts = fixed ? { body: fixed.body, title: fixed.title ?? values.title } : texts;
      const now = fixed ? await checkArticleDraft(db, actor, { body: after.body, title: after.title! }, t) : before;
      const left = findingsToFix(now.findings, after);
      const message = !fixed ? t('guard:quickFix.changedArticle') : t(left.length ? 'guard:quickFix.replacedMore' : 'guard:quickFix.replacedDoneArticle', { what: findingWhat(t, fixed.type) });
      return formPage(reply, { mode: 'edit', slug: request.params.slug, values: { ...values, title: after.title!, body: after.body }, guardPanel: articlePanel(message, now.findings, after, t) });
    }
    let saved;
    try {
      saved = await editArticle(db, actor, { slug: request.params.slug, title: values.title, body: values.body, note: values.note, ...(base ? { baseVersion: base } : {}) });
    } catch (err) {
      // A published article's text the guard stops: the form with one findings panel and its quick fixes.
      if (err instanceof GuardStoppedError) {
        const { t } = translatorFor(request);
        const texts = { title: values.title, body: values.body.replace(/\r\n?/g, '\n') };
        return formPage(reply, { mode: 'edit', slug: request.params.slug, values: { ...values, ...texts }, guardPanel: articlePanel(err.say(t), err.findings, texts, t) }, err.status);
      }
      return formError(reply, { mode: 'edit', slug: request.params.slug, values })(err);
    }
    return reply.redirect(withWarnings(articleUrl(request.params.slug), saved.draft ? 'article' : 'articleEdit', saved.warnings), 303);
  });

  // The editor's live check (JSON, for composer.js): { title?, body } → the guard's findings and watched words.
  app.post<{ Body: Form }>('/kb/check', { config: { rateLimit: { max: 240, timeWindow: '1 minute' }, keepsPages: true } }, async (request) => {
    const title = request.body?.title;
    const { t, locale } = translatorFor(request);
    const result = await checkArticleDraft(db, signedIn(request), { body: str(request.body?.body), ...(typeof title === 'string' ? { title } : {}) }, t);
    // Each finding in the reader's words, as the composer's /check gives them.
    return { ...result, findings: result.findings.map((f) => ({ ...f, label: findingLabel(t, f.type), what: findingWhat(t, f.type), why: findingReason(t, locale, f) })) };
  });

  app.post<{ Params: { slug: string } }>('/kb/:slug/publish', { schema: { params: slugParams } }, async (request, reply) => {
    const actor = signedIn(request);
    try {
      await publishArticle(db, actor, request.params.slug);
    } catch (err) {
      // Blocked as a post is: the draft stays a draft, and its form comes back (422) with the
      // guard's findings panel and quick fixes, to change it and publish again.
      if (!(err instanceof GuardStoppedError)) throw err;
      const { t } = translatorFor(request);
      const { article, title, body } = await articleForEditing(db, actor, request.params.slug);
      const texts = { title, body };
      reply.header('cache-control', 'no-store');
      return formPage(reply, { mode: 'edit', slug: article.slug, values: { title, body, note: '', baseVersion: String(article.current_version) }, guardPanel: articlePanel(err.say(t), err.findings, texts, t) }, err.status);
    }
    return reply.redirect(articleUrl(request.params.slug), 303);
  });

  // Takes a published article down (back to a draft); the team's article page says so.
  app.post<{ Params: { slug: string }; Body: Form }>('/kb/:slug/unpublish', { schema: { params: slugParams } }, async (request, reply) => {
    await unpublishArticle(db, signedIn(request), request.params.slug, str(request.body?.reason));
    return reply.redirect(articleUrl(request.params.slug), 303);
  });
}
