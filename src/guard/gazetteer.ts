/**
 * International name gazetteer for the person detector, built once on first use from maintained
 * name lists: humannames (~197,000 first and last names, census and social-media sources, MIT),
 * zxcvbn-ts's English first names, last names and common-word frequency lists (MIT), and
 * faker's per-locale first and last names (70 locales, many scripts; the "dev" half, see
 * src/guard/data/faker-names.ts). Lower case; accented forms and their folded forms both kept.
 *
 * COMMON holds frequent English words (many are also names: "will", "may", "grace", "street"):
 * such a word only counts as a name in a capitalised first-name + surname pair.
 */
import { createRequire } from 'node:module';
import { FAKER_FIRST_NAMES, FAKER_LAST_NAMES } from './data/faker-names.ts';
import { FIRST_NAMES, NOT_NAMES } from './detectors/names.ts';
import { fold } from './context.ts';
import { STREET_TYPES } from './data/street-types.ts';

/** What the detectors ask of a word list: membership, and its words (for the snapshot). */
export interface WordSet extends Iterable<string> {
  has(word: string): boolean;
}

export interface Gazetteer {
  /** Known first names. */
  first: WordSet;
  /** Any known name (first or last). */
  names: WordSet;
  /** Frequent words of English and the community's languages. */
  common: WordSet;
  /** Words that are never part of a person's name here: street types (25 languages), company forms, the most frequent words. */
  hard: WordSet;
  /** The structural part of `hard`: street types, company forms, function words (not the frequent words, some of which are surnames: "White"). */
  structural: WordSet;
  /** Frequent English words only (zxcvbn-ts subtitle and Wikipedia lists): "During", "Spring" are no street names. */
  commonEn: WordSet;
  /** Street types (25 languages) and company forms: a name right before or after one names a street or a company. */
  place: WordSet;
}

/**
 * A word list kept as the snapshot's sorted lines, searched by bisection: a short command
 * (`parley guard scan` of one line) asks a few dozen words and should not pay ~0.2 s for building
 * Sets of 250,000 words. A list asked often (a long scan) becomes a Set after LOOKUPS_BEFORE_SET look-ups.
 */
const LOOKUPS_BEFORE_SET = 20_000;
export class SortedWords implements WordSet {
  private set: Set<string> | undefined;
  private lookups = 0;
  constructor(private readonly lines: string) {}
  has(word: string): boolean {
    if (this.set) return this.set.has(word);
    if (++this.lookups > LOOKUPS_BEFORE_SET) {
      this.set = new Set(this);
      return this.set.has(word);
    }
    const t = this.lines;
    let lo = 0;
    let hi = t.length;
    // Invariant: the word, if present, is a line starting in [lo, hi); lo is a line start.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = mid === 0 ? 0 : t.lastIndexOf('\n', mid - 1) + 1;
      let e = t.indexOf('\n', s);
      if (e < 0) e = t.length;
      const line = t.slice(s, e);
      if (line === word) return true;
      if (line < word) lo = e + 1;
      else hi = s;
    }
    return false;
  }
  *[Symbol.iterator](): Iterator<string> {
    if (this.lines) yield* this.lines.split('\n');
  }
}

let cached: Gazetteer | undefined;

// Street and company words beyond the abbreviation lists, in several scripts.
const PLACE_WORDS = `
street road lane avenue drive court place square way close crescent terrace boulevard highway parade marg thanon soi jalan jl lorong calle camino carrera ruta rodovia estrada travessa beco largo vicolo strada cesta ulitsa prospekt rue chemin allee strasse straße platz gasse via viale piazza carrer rua praça ulica ulice utca tie katu vej gade gata gatan vei veien iela
llc ltd limited inc corp corporation company co group holding holdings gmbh ag bv nv sa sas sarl srl spa oy ab plc kg ug sro cc ltda pty sdn bhd tbk lda ooo oao zao
شارع طريق ميدان جبل حي جادة دوار ساحة شركة مؤسسة רחוב דרך שדרות סמטת חברה
улица ул проспект пр переулок пер площадь пл шоссе бульвар набережная вулиця вул провулок οδός οδος λεωφόρος λεωφ πλατεία
주식회사 유한회사 로 길 대로 株式会社 有限会社 有限公司 公司 集团 路 街 道 通り
`;
// Frequent words of the community's other languages and of addresses and companies (never names on their own).
const EXTRA_COMMON = `
street road lane avenue drive court place square way close crescent terrace boulevard highway park garden gardens hill bridge station church school hospital hotel centre center market
straat weg laan plein gracht kade singel dijk rue chemin allee strasse straße platz gasse via viale piazza calle avenida carrer rua praça travessa ulica ulice utca tie katu vagen gatan gate vej gade
llc ltd limited inc corp corporation company co group holding holdings gmbh ag bv nv sa sas sarl srl spa oy ab as plc kg ug sro
and the of for with from about into over under und der die das het een van voor met aan bij les des du la le et pour avec dans il lo gli e per con del della
customer client support service team account invoice order refund router modem contract plan number phone mobile email address password internet fibre fiber tv
parade marg thanon soi jalan jl lorong calle camino carrera ruta rodovia estrada travessa beco largo vicolo strada cesta ulitsa prospekt
cc ltda pty sdn bhd tbk pt cv lda sa ooo oao zao ao ip tov pp
شارع طريق ميدان جبل حي جادة دوار ساحة شركة مؤسسة رחוב דרך שדרות סמטת חברה בע״מ
улица ул проспект пр переулок пер площадь пл шоссе бульвар набережная вулиця вул провулок
οδός οδος λεωφόρος λεωφ πλατεία
주식회사 유한회사 로 길 대로 株式会社 有限会社 有限公司 公司 集团 路 街 道 通り
`;

const SETS = ['first', 'names', 'common', 'commonEn', 'hard', 'structural', 'place'] as const;

/**
 * The gazetteer as one string (each set's words, one a line, sets apart by a form feed): built
 * once at install (scripts/build.mjs), so that a short command starts without building it again.
 */
export function serializeGazetteer(g: Gazetteer = gazetteer()): string {
  // Sorted (code-unit order, as `<` compares), so that SortedWords can bisect each list.
  return SETS.map((k) => [...g[k]].filter(Boolean).sort().join('\n')).join('\f');
}

/**
 * Installs a gazetteer made by serializeGazetteer (same code version); false when it does not fit.
 * `eager` builds every Set now (a server, before its first post); otherwise the lists are searched
 * in the snapshot's text until they are used often (a short command).
 */
export function installGazetteer(serialized: string, { eager = false }: { eager?: boolean } = {}): boolean {
  const parts = serialized.split('\f');
  if (parts.length !== SETS.length) return false;
  const g = {} as Gazetteer;
  SETS.forEach((k, i) => (g[k] = eager ? new Set(parts[i] ? parts[i]!.split('\n').map(ownCopy) : []) : new SortedWords(parts[i]!)));
  cached = g;
  return true;
}

// V8 makes a substring of 13 or more characters a view into the string it was cut from: the ~2,800
// long words split from a snapshot would keep its whole text (4.4 MB) alive as long as the Sets.
const utf8 = { encoder: new TextEncoder(), decoder: new TextDecoder() };
const ownCopy = (w: string) => (w.length < 13 ? w : utf8.decoder.decode(utf8.encoder.encode(w)));

/** Load (once) and return the gazetteer. */
export function gazetteer(): Gazetteer {
  if (cached) return cached;
  const first = new Set<string>();
  const names = new Set<string>();
  const common = new Set<string>();
  const addBoth = (set: Set<string>, w: string) => {
    const l = w.toLowerCase();
    set.add(l);
    const f = fold(l);
    if (f !== l) set.add(f);
  };
  // Required here, not imported at the top: the word lists cost ~0.1 s to load, which a command
  // that never builds the gazetteer (or installs a snapshot, see installGazetteer) should not pay.
  const require = createRequire(import.meta.url);
  const dictionary = (pack: string) => (require(pack) as { dictionary: Record<string, string[]> }).dictionary;
  const d = dictionary('@zxcvbn-ts/language-en');
  // Dutch, German and French lists (zxcvbn-ts language packs, MIT): the community's other languages.
  const others = ['@zxcvbn-ts/language-nl-be', '@zxcvbn-ts/language-de', '@zxcvbn-ts/language-fr'].map(dictionary);
  for (const o of others) for (const [k, list] of Object.entries(o)) {
    if (/^(?:boysFirstnames|girlsFirstnames|firstnames)$/.test(k)) for (const w of list) addBoth(first, w);
    else if (/firstnames|lastnames/i.test(k)) for (const w of list) addBoth(names, w);
  }
  for (const w of d['firstnames-en'] ?? []) addBoth(first, w);
  for (const w of FIRST_NAMES) addBoth(first, w);
  for (const w of FAKER_FIRST_NAMES.split(' ')) if (w) addBoth(first, w);
  for (const w of first) names.add(w);
  for (const w of d['lastnames-en'] ?? []) addBoth(names, w);
  for (const w of FAKER_LAST_NAMES.split(' ')) if (w) addBoth(names, w);
  const human = require('humannames') as Record<string, number>;
  for (const w of Object.keys(human)) if (w.length > 1) addBoth(names, w);
  const cw = d['commonWords-en'] ?? [];
  for (let i = 0; i < Math.min(cw.length, 8000); i++) common.add(cw[i]!);
  const wiki = d['wikipedia-en'] ?? [];
  for (let i = 0; i < Math.min(wiki.length, 5000); i++) common.add(wiki[i]!);
  const commonEn = new Set(common);
  for (const w of NOT_NAMES) common.add(w);
  for (const w of EXTRA_COMMON.split(/\s+/)) if (w) common.add(w);
  for (const k of ['daysOfWeek-en', 'months-en', 'cardinalNumbers-en', 'ordinalNumbers-en', 'directions-en', 'seasons-en']) for (const w of d[k] ?? []) common.add(w);
  const hard = new Set<string>();
  for (const w of NOT_NAMES) hard.add(w);
  for (const w of EXTRA_COMMON.split(/\s+/)) if (w) hard.add(w);
  for (const list of Object.values(STREET_TYPES)) for (const w of list) if (!w.includes(' ')) hard.add(w);
  for (const o of others) for (const [k, list] of Object.entries(o)) {
    if (!/^commonWords/.test(k)) continue;
    for (let i = 0; i < Math.min(list.length, 3000); i++) common.add(list[i]!);
  }
  const structural = new Set(hard);
  for (const o of others) for (const [k, list] of Object.entries(o)) {
    if (!/^commonWords/.test(k)) continue;
    for (let i = 0; i < Math.min(list.length, 300); i++) hard.add(list[i]!);
  }
  for (let i = 0; i < Math.min(cw.length, 1000); i++) hard.add(cw[i]!);
  for (const w of [...hard]) common.add(w);
  const place = new Set<string>();
  for (const w of PLACE_WORDS.split(/\s+/)) if (w) place.add(w);
  for (const list of Object.values(STREET_TYPES)) for (const w of list) if (!w.includes(' ') && w.length >= 3) place.add(w);
  cached = { first, names, common, commonEn, hard, structural, place };
  // The Sets hold what is needed. The packages' own lists (the zxcvbn-ts dictionaries, and the
  // unpacking module whose parent link keeps them; humannames' 197,000-key object) would stay in
  // the module cache for the life of the process: ~29 MB of heap.
  for (const path of Object.keys(require.cache)) if (WORD_LIST_PACKAGES.test(path)) delete require.cache[path];
  return cached;
}
const WORD_LIST_PACKAGES = /[\\/]node_modules[\\/](?:humannames|@zxcvbn-ts[\\/](?:language-[a-z-]+|dictionary-compression))[\\/]/;
