// Parley in several languages (issue 18): i18next, with one JSON file per domain part and
// language under src/i18n/locales/<language>/<part>.json ("namespaces": common, community,
// accounts, ...). Code and templates name a text by key, `t('community:topic.postReply')`, never by
// its English words. English is the reference: a key missing in Dutch is a failing test
// (test/i18n/catalogs.test.ts), and falls back to English if it ever ships.
//
// Speed: a topic page asks for a few hundred texts. i18next's t() resolves each through its
// namespaces, fallbacks and post-processors (~1–2 µs); here every text that takes no values is
// resolved once per language at start, so a page's texts are Map lookups. Texts with values
// ({{name}}, plurals through `count`) go through i18next.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';

/** The languages Parley speaks, in the order offered to people. */
export const LOCALES = ['en', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language in its own words (a person looking for theirs must recognise it). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', nl: 'Nederlands' };
/** A pseudo-language for tests: English, with every letter accented and every text lengthened,
 * so a page shows at a glance (and a test finds) any text that does not come from a catalogue.
 * Offered only when PARLEY_PSEUDO_LOCALE=1. */
export const PSEUDO_LOCALE = 'qps';

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

export type Params = Record<string, unknown>;
export type T = (key: string, params?: Params) => string;

export interface Translator {
  /** The language of the page or e-mail (its `lang`), 'qps' for the pseudo-language. */
  locale: string;
  t: T;
}

export const LOCALES_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'locales');

/** Every catalogue: language → namespace → nested texts. */
export function readCatalogues(dir = LOCALES_DIR): Record<string, Record<string, object>> {
  const out: Record<string, Record<string, object>> = {};
  for (const lang of readdirSync(dir)) {
    out[lang] = {};
    for (const file of readdirSync(join(dir, lang))) {
      if (file.endsWith('.json')) out[lang]![file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8'));
    }
  }
  return out;
}

/** "a.b.c" → text, for every leaf of a namespace. */
export function flatten(tree: object, prefix = '', into = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') into.set(key, v);
    else if (v && typeof v === 'object') flatten(v, key, into);
  }
  return into;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const translators = new Map<string, Translator>();
let catalogues: Record<string, Record<string, object>> | null = null;
const warned = new Set<string>();

function build(locale: string): Translator {
  catalogues ??= readCatalogues();
  const pseudo = locale === PSEUDO_LOCALE;
  const namespaces = Object.keys(catalogues.en ?? {});
  const resources: Record<string, Record<string, object>> = { en: catalogues.en ?? {} };
  if (!pseudo && locale !== 'en') resources[locale] = catalogues[locale] ?? {};
  const instance: i18n = i18next.createInstance();
  const plugins: unknown[] = [];
  if (pseudo) {
    // A test-only dependency, loaded only when the pseudo-language is asked for.
    plugins.push(pseudoPlugin);
  }
  for (const p of plugins) instance.use(p as never);
  void instance.init({
    lng: locale,
    fallbackLng: 'en',
    supportedLngs: false,
    resources,
    ns: namespaces,
    defaultNS: 'common',
    // Eta escapes every value it prints; escaping here too would show "&amp;" on the page.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    postProcess: pseudo ? ['pseudo'] : false,
    saveMissing: true,
    missingKeyHandler: (_lngs: readonly string[], ns: string, key: string) => {
      const name = `${ns}:${key}`;
      if (warned.has(name)) return;
      warned.add(name);
      process.emitWarning(`i18n: no text for ${name}`, 'ParleyMissingText');
    },
  } as never);
  const ready = new Map<string, string>();
  for (const ns of namespaces) {
    for (const [key, text] of flatten(catalogues.en![ns]!)) {
      if (PLURAL_SUFFIX.test(key) || text.includes('{{') || text.includes('$t(')) continue;
      ready.set(`${ns}:${key}`, instance.t(`${ns}:${key}`));
    }
  }
  const t: T = (key, params) => (params === undefined ? ready.get(key) ?? instance.t(key) : (String(instance.t(key, params as never))));
  return { locale, t };
}

let pseudoPlugin: unknown = null;

/** Loads the pseudo-language's plugin (a dev dependency) when PARLEY_PSEUDO_LOCALE=1. */
export async function enablePseudoLocale(): Promise<void> {
  if (pseudoPlugin) return;
  const { default: Pseudo } = (await import('i18next-pseudo')) as unknown as { default: new (o: object) => unknown };
  pseudoPlugin = new Pseudo({ languageToPseudo: PSEUDO_LOCALE, enabled: true, wrapped: true, letterMultiplier: 1 });
  translators.delete(PSEUDO_LOCALE);
}
export const pseudoLocaleEnabled = () => pseudoPlugin !== null;

/** The texts of one language (built once per process). */
export function translator(locale: string): Translator {
  const key = locale === PSEUDO_LOCALE && pseudoPlugin ? PSEUDO_LOCALE : isLocale(locale) ? locale : 'en';
  let tr = translators.get(key);
  if (!tr) translators.set(key, (tr = build(key)));
  return tr;
}

/** English texts, for logs, the CLI and anything said outside a request. */
export const en: T = (key, params) => translator('en').t(key, params);
