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
  /** i18next's own t(), for tests that check the fast path against it. */
  slow?: T;
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
  if (pseudo) {
    const t: T = (key, params) => (params === undefined ? ready.get(key) ?? instance.t(key) : String(instance.t(key, params as never)));
    return { locale, t };
  }
  // Texts with values: i18next's t() with values cost 9–26 µs a call here (plural resolution,
  // interpolation, Intl formatting), and a topic page calls it per post. The catalogues use only
  // `{{name}}`, `{{count, number}}` and plural/zero forms, so each such text is compiled once into
  // a function; anything else ($t(...) nesting, other formats) still goes through i18next.
  const compiled = compileTexts(locale, catalogues, namespaces);
  const plurals = new Intl.PluralRules(INTL_LOCALES[locale] ?? locale);
  const pluralCache: string[] = []; // Intl.PluralRules.select costs ~1 µs
  /** The same texts through i18next alone (tests compare the two). */
  const slow: T = (key, params) => String(instance.t(key, params as never));
  const t: T = (key, params) => {
    if (params === undefined) return ready.get(key) ?? instance.t(key);
    let name = key;
    const count = params.count;
    if (typeof count === 'number') {
      if (count === 0 && compiled.has(`${key}_zero`)) name = `${key}_zero`;
      else {
        const category = Number.isInteger(count) && count >= 0 && count < 1000 ? (pluralCache[count] ??= plurals.select(count)) : plurals.select(count);
        const form = `${key}_${category}`;
        name = compiled.has(form) ? form : compiled.has(`${key}_other`) ? `${key}_other` : key;
      }
    }
    const fn = compiled.get(name);
    return fn ? fn(params) : String(instance.t(key, params as never));
  };
  return { locale, t, slow };
}

const INTL_LOCALES: Record<string, string> = { en: 'en-GB', nl: 'nl-NL' };
type Compiled = (params: Params) => string;

/** Every text of a language (English where it has none) that uses only {{name}} and
 * {{name, number}}, as a function of its values; undefined values print as i18next prints them. */
function compileTexts(locale: string, all: Record<string, Record<string, object>>, namespaces: string[]): Map<string, Compiled> {
  const fmt = new Intl.NumberFormat(INTL_LOCALES[locale] ?? 'en-GB');
  const number = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) && v > -1000 && v < 1000 ? String(v) : fmt.format(v)) : String(v ?? ''));
  const out = new Map<string, Compiled>();
  for (const ns of namespaces) {
    const texts = flatten(all.en?.[ns] ?? {});
    if (locale !== 'en') for (const [k, v] of flatten(all[locale]?.[ns] ?? {})) texts.set(k, v);
    for (const [k, text] of texts) {
      if (text.includes('$t(')) continue;
      const parts: (string | ((p: Params) => string))[] = [];
      let last = 0;
      let ok = true;
      for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*(?:,\s*([A-Za-z]+)\s*)?\}\}/g)) {
        if (m[2] && m[2] !== 'number') ok = false;
        parts.push(text.slice(last, m.index));
        const name = m[1]!;
        parts.push(m[2] ? (p) => number(p[name]) : (p) => (p[name] === undefined ? '' : String(p[name])));
        last = m.index! + m[0].length;
      }
      if (!ok || text.slice(last).includes('{{')) continue;
      parts.push(text.slice(last));
      out.set(`${ns}:${k}`, (p) => {
        let s = '';
        for (const part of parts) s += typeof part === 'string' ? part : part(p);
        return s;
      });
    }
  }
  return out;
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
