// Which language a request is answered in (issue 18): the signed-in person's setting, else the
// visitor's choice from the footer (a cookie), else the browser's Accept-Language (negotiated
// by @fastify/accepts), else the site's default. Decided in onRequest, before the visitors'
// page cache looks for a page: cached pages are kept per language.
import fp from 'fastify-plugin';
import accepts from '@fastify/accepts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { enablePseudoLocale, isLocale, LOCALES, PSEUDO_LOCALE, pseudoLocaleEnabled, translator, type Translator } from './index.ts';

export const LANGUAGE_COOKIE = 'lang';

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of the answer: 'en', 'nl' (or the test pseudo-language 'qps'). */
    locale: string;
  }
}

export interface I18nOptions {
  /** The site's language for visitors whose browser names none Parley speaks. */
  defaultLocale: string;
}

/** The language for a request, from what is known about who asks. */
export function chooseLocale(
  facts: { setting?: string | null; cookie?: string; accepted: (offered: string[]) => string | false },
  defaultLocale: string,
): string {
  const offered: string[] = pseudoLocaleEnabled() ? [...LOCALES, PSEUDO_LOCALE] : [...LOCALES];
  if (facts.setting && offered.includes(facts.setting)) return facts.setting;
  if (facts.cookie && offered.includes(facts.cookie)) return facts.cookie;
  return facts.accepted(offered) || defaultLocale;
}

export const i18nPlugin = fp(async (app: FastifyInstance, opts: I18nOptions) => {
  if (process.env.PARLEY_PSEUDO_LOCALE === '1') await enablePseudoLocale();
  await app.register(accepts);
  const fallback = isLocale(opts.defaultLocale) ? opts.defaultLocale : 'en';
  app.decorateRequest('locale', fallback);
  app.addHook('onRequest', (request, reply, done) => {
    request.locale = chooseLocale(
      {
        setting: request.user?.locale,
        cookie: request.cookies[LANGUAGE_COOKIE],
        // No header: the site's language, not accepts' first offer.
        accepted: (offered) => (request.headers['accept-language'] ? request.languages(offered) : false),
      },
      fallback,
    );
    // Shared caches must keep one copy per language.
    reply.header('vary', 'Accept-Language');
    done();
  });

  // The footer's language links, for visitors (signed-in people choose in their settings, which
  // also decides their e-mails). A link, not a form: visitors' pages are cached and shared, and a
  // form's CSRF token cannot be; the worst a forged link can do is change a visitor's language.
  app.get<{ Params: { locale: string }; Querystring: { back?: string } }>('/language/:locale', async (request, reply) => {
    const { locale } = request.params;
    if (!isLocale(locale) && !(locale === PSEUDO_LOCALE && pseudoLocaleEnabled())) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `Parley does not speak "${locale}".` });
    }
    reply.setCookie(LANGUAGE_COOKIE, locale, { path: '/', httpOnly: true, sameSite: 'lax', secure: app.config.NODE_ENV === 'production', maxAge: 400 * 86_400 });
    return reply.redirect(safeBack(request.query.back), 303);
  });
});

/** Only a path on this site: never another site (an open redirect) or a scheme. */
export function safeBack(back: unknown): string {
  return typeof back === 'string' && /^\/(?![/\\])[^\s]*$/.test(back) && back.length <= 2000 ? back : '/';
}

/** The texts for this request's language. */
export const translatorFor = (request: FastifyRequest): Translator => translator(request.locale);
