/**
 * Postal addresses for the configured countries: street + house number (+ postcode + city).
 *  NL/BE: "Keizersgracht 123, 1015 CJ Amsterdam", "Laan van Meerdervoort 50, 2517 AM Den Haag", "Meir 12, 2000 Antwerpen"
 *  DE:    "Friedrichstraße 43a, 10117 Berlin"
 *  GB/US: "221B Baker Street, London NW1 6XE", "1600 Amelia Ave, Springfield, IL 62704"
 */
import type { Finding, PostalCountry } from '../types.ts';
import { digitRuns, windows, execIn, execInAt, wordStart, anchorsOf, type ScanState } from '../spans.ts';
import { enhance, wordsRegex } from '../context.ts';
import { detectWorldAddresses } from './address-world.ts';
import { gazetteer } from '../gazetteer.ts';

const L = String.raw`\p{Lu}[\p{L}'’\-]*`;
const PARTICLE = String.raw`(?:van|de|der|den|het|ten|ter|te|op|aan|in|la|le|du|des|von|am|an|der|'s|'t)`;
const NL_SUFFIX = String.raw`(?:straat|straatweg|gracht|laan|weg|plein|kade|singel|dijk|dreef|hof|hofje|park|markt|steeg|pad|baan|wal|dam|veld|plantsoen|boulevard|steenweg|lei|kaai|vest|ring|haven|burgwal|zijde|erf|polder|akker|donk|hoek|horst|straatje|ven|wijk|berg|burg|kanaal|voorstraat|laantje|brink|dreef|stede|oord)`;
const DE_SUFFIX = String.raw`(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|steig|pfad)`;
const EN_TYPE = String.raw`(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Place|Pl|Square|Sq|Crescent|Cres|Terrace|Gardens|Grove|Court|Ct|Hill|Row|Mews|Parade|Walk|Green|Boulevard|Blvd|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Trail|Pike|Embankment|Wharf|Quay|Loop|Plaza|Alley|Run|Ridge|Broadway|Kingsway)`;
const HOUSE_NL = String.raw`\d{1,5}(?:\s?[a-zA-Z](?![\p{L}]))?(?:\s?[-–]\s?\d{1,4}|\s?(?:bis|hs|huis|I{1,3})(?![\p{L}]))?`;
const NL_POST = String.raw`[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![\p{L}\p{N}])`;
const CITY = String.raw`(?:'s[-\s])?\p{Lu}[\p{L}'’\-]*(?:[\s-](?:${PARTICLE}|\p{Lu}[\p{L}'’\-]*|aan|den|op|a/d)){0,3}`;
const UK_POST = String.raw`(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})(?![\p{L}\p{N}])`;
const US_STATE = String.raw`(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[TA]|W[AVIY])`;

// NL/BE/DE: street (optionally multi-word) + house number, optional postcode + city.
const STREET_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:${L}|${PARTICLE})\s){0,3}\p{Lu}[\p{L}'’\-]*?(?:${NL_SUFFIX}|${DE_SUFFIX})\s${HOUSE_NL}` +
    String.raw`(?:(?:,\s*|\s+)(?:(?<pc>${NL_POST})(?:,?\s+${CITY})?|(?<pc4>\d{4,5})\s+${CITY}))?`,
  'uy',
);
// Any street name followed by a number and a Dutch postcode ("Laan van Meerdervoort 50, 2517 AM Den Haag", "Oude Delft 12, 2611 BC Delft").
const ANY_STREET_NL_POST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\p{Lu}[\p{L}'’\-]*(?:\s(?:${L}|${PARTICLE})){0,4}\s${HOUSE_NL},?\s+${NL_POST}(?:,?\s+${CITY})?`,
  'uy',
);
// GB/US: number + street + type, optional city and postcode/ZIP.
const NUMBER_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s\d{1,4}[A-Z]?,?\s)?\d{1,5}[A-Z]?(?:-\d{1,4})?\s(?:(?:${L}|of|the)\s){1,4}${EN_TYPE}\.?(?![\p{L}])` +
    String.raw`(?:(?:,\s*|\s+)(?:(?:${CITY}),?\s+)?(?:(?<uk>${UK_POST})|(?<us>${US_STATE}\s+\d{5}(?:-\d{4})?)(?![\p{N}])|(?<city>${CITY})(?:,\s*(?<st>${US_STATE})\s+\d{5}(?:-\d{4})?)?))?`,
  'uy',
);
// GB: number + any street name + postcode ("42 Kingsway, Cardiff CF10 3ND").
const UK_ANY = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:(?:Flat|Apt\.?|Apartment|Unit)\s\d{1,4}[A-Z]?,?\s)?\d{1,4}[A-Z]?\s(?:${L}\s){0,3}${L},\s*(?:${CITY},?\s+)?${UK_POST}`, 'gu');
// BE/FR-style street first: "Rue Neuve 123, 1000 Bruxelles", "Meir 12, 2000 Antwerpen" (4-digit postcode + city).
const BE_STREET = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:(?:Rue|Avenue|Boulevard|Chaussée|Place|Quai|Chemin)\s(?:(?:de|du|des|de\sla|d')\s?)?)?${L}(?:\s${L}){0,2}\s\d{1,4}[a-zA-Z]?(?:\s?(?:bus|bte)\s?\d{1,3})?,\s*[1-9]\d{3}\s+${CITY}`, 'uy');
const POSTCODE_CONTEXT = wordsRegex(['postcode', 'postal code', 'zip', 'zip code', 'postcode is', 'address', 'adres', 'woont', 'woonachtig', 'lives', 'living at', 'deliver', 'delivery', 'bezorg', 'bezorgadres', 'factuuradres', 'billing address', 'shipping address', 'verhuisd', 'moved', 'sent to', 'verstuurd naar', 'opgestuurd']);
const ADDRESS_CONTEXT = wordsRegex(['address', 'adres', 'woont', 'woonachtig', 'lives', 'living at', 'lives at', 'deliver', 'delivery', 'delivered', 'bezorg', 'bezorgd', 'bezorgadres', 'factuuradres', 'billing address', 'shipping address', 'verhuisd', 'moved', 'sent to', 'verstuurd naar', 'opgestuurd', 'at', 'op', 'aan de', 'naar', 'to', 'customer', 'klant', 'monteur', 'engineer', 'technician']);
const PUBLIC_PLACE = wordsRegex(['our store', 'our shop', 'our office', 'our offices', 'our headquarters', 'headquarters', 'head office', 'visit us', 'visit our', 'onze winkel', 'ons kantoor', 'hoofdkantoor', 'servicepunt', 'bezoek ons', 'bezoek onze', 'our service point', 'flagship', 'showroom', 'store at', 'winkel aan', 'winkel op', 'kantoor aan', 'pick-up point', 'afhaalpunt']);
// Lowercase, as typed in a hurry: "kerkstraat 12", "stationsweg 4b".
const LOWER_STREET = new RegExp(String.raw`(?<![\p{L}\p{N}])\p{Ll}{2,}[\p{Ll}'’\-]*?(?:straat|gracht|laan|weg|plein|kade|singel|dijk|steeg|straatweg|steenweg|straße|strasse)\s\d{1,5}(?:\s?[a-z](?![\p{L}]))?(?![\p{L}\p{N}]|[.,]\d)`, 'uy');
const UK_POST_ONLY = new RegExp(String.raw`(?<![\p{L}\p{N}])${UK_POST}`, 'gu');
const NL_POST_ONLY = new RegExp(String.raw`(?<![\p{L}\p{N}])${NL_POST}(?:\s+${CITY})?`, 'gu');

// Where each pattern can start (all begin with (?<![\p{L}\p{N}])): execInAt tries them only there.
// STREET_FIRST: a capital or a particle (van, de, het, ten, op, aan, in, la, du, 's, 't, ...).
export const STARTS = {
  STREET_FIRST: wordStart({ upper: true, chars: "vdhtoailu'" }),
  ANY_STREET_NL_POST: wordStart({ upper: true }),
  NUMBER_FIRST: wordStart({ digit: true, chars: 'FAUS' }),
  BE_STREET: wordStart({ upper: true }),
  LOWER_STREET: wordStart({ lower: true }),
};
export const __patterns = { STREET_FIRST, ANY_STREET_NL_POST, NUMBER_FIRST, BE_STREET, LOWER_STREET };

// Anchors: every address pattern needs a house number or postcode, so the big patterns below
// only run on windows around digit runs that pass one of these cheap checks.
const NL_POST_ANCHOR = /[1-9]\d{3}\s?[A-Z]{2}(?![\p{L}\p{N}])/gu;
const SUFFIX_BEFORE = new RegExp(String.raw`(?:${NL_SUFFIX}|${DE_SUFFIX})\s$`, 'i');
const EN_TYPE_AFTER = new RegExp(String.raw`[A-Z]?(?:-\d{1,4})?\s(?:\S+\s){0,4}?${EN_TYPE}\.?(?![\p{L}])`, 'uy');
const BE_ANCHOR = /,\s*[1-9]\d{3}\s+\p{Lu}/gu;
const UK_POST_ANCHOR = new RegExp(UK_POST, 'gu');

export function detectAddresses(st: ScanState): Finding[] {
  const { text, options } = st;
  const countries = new Set<PostalCountry>(options.postalCountries);
  const out: Finding[] = [];
  const add = (start: number, end: number, base: number, why: string) => {
    // Trim trailing separators.
    while (end > start && /[\s,.]/.test(text[end - 1]!)) end--;
    if (out.some((f) => f.start <= start && end <= f.end)) return;
    // A date may lie inside a street name ("Strada 31 August 1989", "Rua 25 de Março"); other claims may not.
    if (st.claims.overlaps(start, end, 'date')) return;
    const r = enhance(text, start, end, base, { positive: ADDRESS_CONTEXT, negative: PUBLIC_PLACE, boost: 0.1, penalty: 0.45, wordsBefore: 6 }, st.lower);
    // A weak candidate below the reporting threshold never displaces a finding it overlaps.
    if (r.score < st.options.minConfidence && out.some((f) => f.start < end && start < f.end)) return;
    // Remove a shorter finding that this one contains.
    for (let i = out.length - 1; i >= 0; i--) if (start <= out[i]!.start && out[i]!.end <= end) out.splice(i, 1);
    out.push({ type: 'address', start, end, confidence: Math.min(0.97, r.score), reason: why + (r.negative ? ` (but near "${r.negative}")` : ''), source: 'pattern' });
  };
  const runs = digitRuns(st);
  if (runs.length === 0) return out;
  // Digit runs right after a street-suffix word ("...straat 12", "...weg 4b") and before an English street type ("12 Baker Street").
  const suffixRuns: number[] = [];
  const enRuns: number[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    if (b - a > 5) continue;
    if (a > 2 && text.charCodeAt(a - 1) <= 32 && SUFFIX_BEFORE.test(text.slice(Math.max(0, a - 16), a))) suffixRuns.push(a, b);
    EN_TYPE_AFTER.lastIndex = b;
    if (EN_TYPE_AFTER.test(text)) enRuns.push(a, b);
  }
  const nlPost = anchorsOf(NL_POST_ANCHOR, text);
  const nlLike = countries.has('NL') || countries.has('BE') || countries.has('DE');
  if (nlLike) {
    const postWins = windows(text, nlPost, 110, 60);
    for (const m of execInAt(ANY_STREET_NL_POST, text, postWins, STARTS.ANY_STREET_NL_POST)) {
      add(m.index, m.index + m[0].length, 0.9, 'street, house number and postcode');
    }
    const suffixWins = windows(text, suffixRuns, 100, 80);
    for (const m of execInAt(STREET_FIRST, text, suffixWins, STARTS.STREET_FIRST)) {
      let start = m.index;
      // Do not start on a lowercase particle.
      while (/^(?:van|de|der|den|het|ten|ter|te|op|aan|in|la|le|du|des|von|am|an)\s/.test(text.slice(start, start + 5)) && !/^\p{Lu}/u.test(text[start]!)) {
        start = text.indexOf(' ', start) + 1;
      }
      const hasPost = Boolean(m.groups?.pc || m.groups?.pc4);
      // A single frequent word that merely ends like a street ("During 1971", "Spring 2024") is no street.
      const street = text.slice(start, m.index + m[0].length).split(/\s+\d/)[0]!;
      if (!hasPost && !/\s/.test(street) && gazetteer().commonEn.has(street.toLowerCase())) continue;
      add(start, m.index + m[0].length, hasPost ? 0.92 : 0.7, hasPost ? 'street, house number and postcode' : 'street name and house number');
    }
    if (countries.has('BE')) {
      const beWins = windows(text, anchorsOf(BE_ANCHOR, text), 90, 60);
      for (const m of execInAt(BE_STREET, text, beWins, STARTS.BE_STREET)) add(m.index, m.index + m[0].length, 0.75, 'street, house number, postcode and city');
    }
    for (const m of execInAt(LOWER_STREET, text, suffixWins, STARTS.LOWER_STREET)) add(m.index, m.index + m[0].length, 0.6, 'street name and house number');
    for (const m of execIn(NL_POST_ONLY, text, postWins)) {
      const end = m.index + m[0].length;
      if (out.some((f) => f.start <= m.index && m.index < f.end)) continue;
      const r = enhance(text, m.index, end, 0.3, { positive: POSTCODE_CONTEXT, boost: 0.35 }, st.lower);
      if (r.score >= 0.5) add(m.index, end, r.score, 'Dutch postcode');
    }
  }
  if (countries.has('GB') || countries.has('US')) {
    for (const m of execInAt(NUMBER_FIRST, text, windows(text, enRuns, 30, 150), STARTS.NUMBER_FIRST)) {
      const g = m.groups ?? {};
      let end = m.index + m[0].length;
      // A bare trailing city without postcode/state is only kept when it follows a comma.
      const hasPost = Boolean(g.uk || g.us || g.st);
      if (!hasPost && g.city) {
        const cityStart = end - g.city.length;
        if (text[cityStart - 2] !== ',') end = cityStart;
      }
      add(m.index, end, hasPost ? 0.93 : 0.72, hasPost ? 'house number, street and postcode' : 'house number and street');
    }
    if (countries.has('GB')) {
      const ukWins = windows(text, anchorsOf(UK_POST_ANCHOR, text), 110, 12);
      for (const m of execIn(UK_ANY, text, ukWins)) add(m.index, m.index + m[0].length, 0.9, 'house number, street and postcode');
      for (const m of execIn(UK_POST_ONLY, text, ukWins)) {
        const end = m.index + m[0].length;
        if (out.some((f) => f.start <= m.index && m.index < f.end)) continue;
        if (!/\d[A-Z]{2}$/.test(m[0]) || !/\s/.test(m[0])) continue;
        const r = enhance(text, m.index, end, 0.3, { positive: POSTCODE_CONTEXT, boost: 0.35 }, st.lower);
        if (r.score >= 0.5) add(m.index, end, r.score, 'UK postcode');
      }
    }
  }
  detectWorldAddresses(st, add);
  for (const f of out) if (f.confidence >= st.options.minConfidence) st.claims.add(f.start, f.end);
  return out;
}
