/**
 * Street addresses in the world's formats (beside the NL/BE/DE/GB/US shapes of address.ts).
 * The street-type words of 25 languages come from OpenCage address-formatting (src/guard/data/street-types.ts);
 * compound street words ("Pietarinkatu", "Bergstaðastræti", "Rosenthaler Straße") by their endings.
 * Shapes, each needing a house number:
 *  A. number, type, name:        "17 Rue du Médecin-Colonel Calbairac", "82, Avenue du Roi Baudouin", "33 avenue de Provence"
 *  B. type, name, number:        "Rua Silveira Martins, 68", "Avenue du Commerce 17", "ul. Długa 5", "Calle Mayor 3"
 *  C. name, street word, number: "Pietarinkatu 15", "Ģertrūdes iela 81", "Skoufa street 11"
 *  D. CJK/Korean:                "동교로 146", "West Lujiazui Road 99号", "南京街 12號"
 *  E. any name + number, then a postcode and city line: "Witthau 3, 89129 Langenau", "Imaneq 18\n3900 Nuuk"
 *  F. US military mail: "PSC 1234, Box 5678, APO AE 09876", "Unit 2050 Box 4190, DPO AP 96278"
 * A postcode-and-city line after the street is taken into the span ("…, 75001 Paris", "…\nMD-2012 Chișinău").
 */
import type { Finding } from '../types.ts';
import { digitRuns, windows, execIn, execInAt, wordStart, wordTokens, wordRecords, isLetterOrDigitCode, isUpperCaseCode, type ScanState } from '../spans.ts';
import { STREET_TYPES } from '../data/street-types.ts';
import { gazetteer } from '../gazetteer.ts';

type Add = (start: number, end: number, base: number, why: string) => void;

// Words in the abbreviation lists that are titles or adjectives, not street types ("Doctor", "Saint", "Lilla").
const NOT_TYPES = new Set(['doutor', 'doutora', 'dr', 'drª', 'general', 'gen', 'padre', 'saint', 'sainte', 'st', 'ste', 'sankt', 'skt', 'sant', 'santa', 'biskup', 'biskupa', 'bp', 'bpa', 'doktora', 'kard', 'kardynała', 'ks', 'księcia', 'księdza', 'majora', 'marsz', 'marszałka', 'mjr', 'prof', 'profesora', 'pułkownika', 'płk', 'rotm', 'rotmistrza', 'junior', 'jr', 'lilla', 'stora', 'norra', 'södra', 'västra', 'östra', 'gamle', 'gammel', 'gl', 'lille', 'll', 'store', 'nordre', 'nørre', 'søndre', 'sønder', 'vester', 'vestre', 'øster', 'østre', 'ndr', 'sdr', 'nr', 'northeast', 'northwest', 'southeast', 'southwest', 'ne', 'nw', 'se', 'sw', 'mountain', 'mtn', 'extension', 'ext', 'embaixador', 'emb', 'sagrada', 'sagrat', 'monestir', 'baixos', 'bxs', 'porta', 'auto', 'col', 'colonia', 'bloque', 'blq', 'bloco', 'bl', 'departamento', 'dept', 'corp', 'korp', 'корп', 'корпус', 'строение', 'стр', 'bâtiment', 'bât', 'z.i', 'zone industrielle', 'casal', 'lugar', 'jardim', 'parque', 'bairro', 'par', 'as', 'al', 'th', 'tr', 'kj', 'rn', 'rt', 'cc', 'pc', 'lg', 'esc', 'az', 'br', 'bc', 'cam', 'gav', 'ccnh', 'csl', 'escnh', 'jrd', 'pct', 'mh',
  // titles, saints, adjectives and particles in the lists of other languages
  'broeder', 'burg', 'burgemeester', 'cmdt', 'commandant', 'docter', 'dokter', 'gebr', 'gebroeders', 'generaal', 'ingenieur', 'ir', 'jhr', 'jonkheer', 'kardinaal', 'kol', 'kolonel', 'kon', 'koning', 'koningin', 'kort', 'korte', 'kte', 'lange', 'luit', 'luitenant', 'mej', 'mejuffrouw', 'mevr', 'mevrouw', 'mgr', 'min', 'minister', 'monseigneur', 'olv', 'onze-lieve-vrouw', 'past', 'pastoor', 'prins', 'prinses', 'professor', 'sint', 'van', 'van den', 'van der', 'vd', 'verl', 'verlengde', 'vrouwe', 'zuster', 'zr', 'noordzijde', 'oostzijde', 'westzijde', 'zuidzijde', 'nz', 'oz', 'wz', 'zz', 'vr',
  'doctor', 'doctora', 'dra', 'nuestra', 'ntra', 'señora', 'sra', 'san', 'santo', 'santos', 'santas', 'sto', 'stos', 'stas', 'senhor', 'senhora', 'são', 'professora', 'profª', 'gran', 'edif', 'edificio', 'urb', 'urbanización', 'urbanização', 'loteam', 'loteamento', 'sect', 'sector', 'torre', 'rio', 'vila', 'quinta', 'qta', 'pueblo', 'pblo', 'mercado', 'merc', 'palacio', 'pala', 'estación', 'estcn', 'stazione', 'staz', 'località', 'loc', 'cascina', 'campo', 'corte', 'santissima', 'santissime', 'santissimi', 'santissimo', 'ss.ma', 'ss.me', 'ss.mi', 'ss.mo', 'mtir', 'sgda', 'sgt', 'sta', 'pta', 'arm.', 'armádneho', 'generála', 'doktorky', 'ing', 'inžiniera', 'inžinierky', 'kapitána', 'kpt', 'plk', 'plukovníka', 'podplukovníka', 'podporučíka', 'por', 'poručíka', 'pplk', 'ppor', 'profesorky', 'svätej', 'svätého', 'československej', 'čsl', 'slov', 'slovenskih', 'spodnja', 'spodnje', 'spodnji', 'srednja', 'srednje', 'srednji', 'sveta', 'svete', 'svetega', 'sveti', 'vel', 'velika', 'velike', 'velikem', 'veliki', 'veliko', 'zgornja', 'zgornje', 'zgornji', 'šent', 'de', 'carrer de', 'calle de', 'min', 'minister', 'koning', 'prins']);
const MANUAL_TYPES = ['rue', 'route', 'chemin', 'impasse', 'allée', 'quai', 'cours', 'ruelle', 'via', 'viale', 'piazza', 'corso', 'vicolo', 'largo', 'calle', 'carrera', 'avenida', 'rua', 'travessa', 'praça', 'rodovia', 'estrada', 'street', 'road', 'lane', 'avenue', 'boulevard', 'drive', 'line', 'row', 'way', 'trg', 'ulica', 'ul', 'utca', 'út', 'iela', 'gatvė', 'g', 'str', 'strada', 'bulevardul', 'bd', 'aleea', 'calea', 'sokak', 'sokağı', 'caddesi', 'cadde', 'odos', 'οδός', 'λεωφόρος', 'улица', 'ул', 'проспект', 'пр', 'вулиця', 'вул', 'ulitsa', 'jalan', 'jl', 'soi', 'thanon', 'marg', 'zona', 'ave', 'av', 'avda', 'blvd', 'rd', 'rruga', 'rr', 'sheshi', 'bulevardi', 'triq', 'vjal', 'pjazza'];
const TYPE_WORDS = new Set<string>(MANUAL_TYPES);
for (const list of Object.values(STREET_TYPES)) for (const w of list) if (!NOT_TYPES.has(w) && (w.length >= 3 || /^(?:ul|av|g|rd|st)$/.test(w))) TYPE_WORDS.add(w);
const esc = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
// Endings of compound street names in the Germanic, Nordic, Baltic, Finnish and Hungarian languages.
const COMPOUND = `(?:straat|gracht|laan|plein|kade|singel|dijk|steeg|straße|strasse|gasse|platz|allee|ring|damm|ufer|weg|katu|tie|kuja|polku|tori|gata|gatan|gate|gaten|vej|vei|veien|vegen|veg|gade|gøta|götu|gata|stræti|vegur|braut|gränd|torg|torget|vägen|väg|stigen|backen|plass|stig|allé|utca|ucca|tänav|tee|ulica|cesta|ulice|iela|gatvė|sokak|caddesi)`;
// A house number, with its marker where a language writes one ("nº 68", "n. 5", "nr 10", "No:45", "д. 7", "# 32-16").
const NUM = String.raw`(?:(?:[Nn][º°ºo]?|[Nn]r|NR|NO|д|#)\.?:?[ \t]?(?=\d))?\d{1,5}(?:\s?\p{L}(?![\p{L}]))?(?:\s?[/-]\s?\d{1,4}[A-Za-z]?)?`;
// A word of a street or place name: capitalised (any script with case), or a particle.
const NW = String.raw`(?:\p{Lu}[\p{L}\p{M}'’.\-]*|(?:il|is|ix|iż|it|id|in|ir|iċ|l)-\p{Lu}[\p{L}\p{M}'’.\-]*|[dlDL]['’]\p{Lu}[\p{L}\p{M}'’.\-]*|(?:de|du|des|del|della|dei|da|do|dos|das|di|la|le|les|los|las|l['’]|d['’]|of|the|van|von|der|den|am|an|im|zum|zur|sv\.|sv|e|y|i|\d{1,2}\.?)(?=[ \t]|\p{Lu}))`;
const POSTCODE = String.raw`(?:[A-Z]{1,3}[- ]?)?(?:\d{2,6}[ -]\d{2,4}|\d{3,6})`;
const CITY = String.raw`\p{Lu}[\p{L}\p{M}'’.\-]*(?:[\s-](?:\p{Lu}[\p{L}\p{M}'’.\-]*|de|do|da|sur|am|an|im|upon|on|la|le|del|di|-)){0,3}`;
// After the street: ", 75001 Paris", "\n301 00 Plzeň", ", Riga, LV-1009", ", Bujumbura", "\nCalhau\nSão Luís - MA\n65071-380"
const TAIL = String.raw`(?:(?:,\s*|\s*\n\s*|\s+)(?:${POSTCODE}\s*[-–]?\s*${CITY}|${CITY},?\s+${POSTCODE}(?![\p{L}\p{N}])|${POSTCODE}(?![\p{L}\p{N}])))`;
const CITY_ONLY_TAIL = String.raw`(?:(?:,\s*|\s*\n\s*)${CITY}(?=\s*(?:[,.;!?)\n]|$)))`;

// The shapes are matched around each street word found (anchorWords): a sticky pattern for what
// follows it, and a pattern anchored at the end of the short stretch before it for what precedes it
// (no pattern ever tries a list of 1,500 street words at every position of a post).
const REST = String.raw`(?:${TAIL}|${CITY_ONLY_TAIL})?`;
// The name's last word may carry an elided particle ("13 Route d'Esch", "4 Rue de l'Église").
const A_AFTER = new RegExp(String.raw`\.?[ \t]+(?:${NW}[ \t]+){0,5}(?:[dlDL]['’])?\p{Lu}[\p{L}\p{M}'’.\-]*${REST}`, 'uy');
// A street named by a number after a capitalised type ("504, Rue 12.168", "12 Calle 5").
const A_NUMBERED = new RegExp(String.raw`\.?[ \t]+\d{1,4}(?:\.\d{1,4})?(?![\p{L}\p{N}]|[.,]\d)${REST}`, 'uy');
const A_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}\p{N}])(${NUM},?[ \t]+)$`, 'u');
// Name words may include a date ("str. 31 August 1989, 121a", "Calle 20 de Noviembre 5"): a four-digit number inside the name.
const NWY = String.raw`(?:${NW}|\d{4}(?=,?[ \t]))`;
const B_AFTER = new RegExp(String.raw`\.?[ \t]+(?:${NWY}[ \t]+){0,5}?${NWY},?[ \t]+${NUM}(?![\p{L}\p{N}]|[.,]\d)${REST}`, 'uy');
const A2_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}\p{N}])(${NUM},?[ \t]+(?:${NW}[ \t]+){1,3})$`, 'u');
const A2_AFTER = new RegExp(String.raw`\.?(?![\p{L}])${REST}`, 'uy');
const C_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}\p{N}])((?:${NW}[ \t]+){0,3}\p{Lu}[\p{L}\p{M}'’\-]*[ \t]+)$`, 'u');
const C_AFTER = new RegExp(String.raw`\.?,?[ \t]+${NUM}(?![\p{L}\p{N}]|[.,]\d)${REST}`, 'uy');
const COMPOUND_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}\p{N}])((?:${NW}[ \t]+){1,3})$`, 'u');
// A house number before a compound street word, as English-style and several other templates write it
// ("17 Steinagøta", "28, Åkebergveien", "14 Jan Erasmusstraat").
const COMPOUND_NUM_BEFORE = new RegExp(String.raw`(?:^|[^\p{L}\p{N}])(${NUM},?[ \t]+(?:${NW}[ \t]+){0,2})$`, 'u');
const UPPER_START = /^\p{Lu}/u;

function hasDigit(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * C_BEFORE's gate: the letters (and ' ’ -) right before the trailing spaces hold a capital, as the
 * pattern's last word (\p{Lu}[\p{L}\p{M}'’\-]*) needs; any non-ASCII unit counts as one (kept cheap).
 */
function capitalBeforeSpaces(t: string): boolean {
  let k = t.length;
  while (k > 0 && (t.charCodeAt(k - 1) === 32 || t.charCodeAt(k - 1) === 9)) k--;
  for (; k > 0; k--) {
    const c = t.charCodeAt(k - 1);
    if (c >= 128 || (c >= 65 && c <= 90)) return true;
    if (!((c >= 97 && c <= 122) || c === 39 || c === 45)) return false;
  }
  return false;
}

/**
 * The match of an end-anchored pattern /(?:^|[^\p{L}\p{N}])(…)$/ in `s` (the stretch before a street word),
 * as re.exec(s) gives it: exec tries every position of `s`, and each try may read to the end. A match
 * starts at 0 or at a unit that is no letter or digit followed by a unit its group can begin with
 * (`first`), so only those positions are tried, in order, with the sticky copy: the first match is exec's.
 * A stretch with a surrogate (where /u reads code points) is left to exec.
 */
function endMatch(re: RegExp, sticky: RegExp, s: string, first: (c: number) => boolean): RegExpExecArray | null {
  const n = s.length;
  for (let p = 0; p < n; p++) {
    const c = s.charCodeAt(p);
    if (c >= 0xd800 && c <= 0xdfff) return re.exec(s);
  }
  for (let p = 0; p < n; p++) {
    if (p > 0 && (isLetterOrDigitCode(s.charCodeAt(p)) || !first(s.charCodeAt(p + 1)))) continue;
    sticky.lastIndex = p;
    const m = sticky.exec(s);
    if (m) return m;
  }
  return null;
}
const isDigitCode = (c: number) => c >= 48 && c <= 57;

/**
 * Gate of the end-anchored patterns with a house number (A, A2, COMPOUND_NUM): whether an ASCII digit is
 * in the last `tokens` [ \t]-separated tokens of `s`. Their match is NUM,?[ \t]+ then at most two (COMPOUND_NUM)
 * or three (A2) name words, which hold no space or tab, at the end of `s`; NUM's last digit is followed
 * inside NUM by at most a space and a letter. So the digit lies in the last 2 (A), 4 (COMPOUND_NUM) or 5 (A2)
 * tokens, and without one there the pattern cannot match (most street words follow ordinary words).
 */
function digitInLastTokens(s: string, tokens: number): boolean {
  let k = s.length;
  for (let t = 0; t < tokens; t++) {
    while (k > 0 && (s.charCodeAt(k - 1) === 32 || s.charCodeAt(k - 1) === 9)) k--;
    if (k === 0) return false;
    for (; k > 0; k--) {
      const c = s.charCodeAt(k - 1);
      if (c === 32 || c === 9) break;
      if (c >= 48 && c <= 57) return true;
    }
  }
  return false;
}
// What NUM can begin with: a digit or its marker ("nº", "Nr", "NO", "д", "#").
const NUM_FIRST = (c: number) => isDigitCode(c) || c === 78 || c === 110 || c === 0x434 || c === 35;
// What NW can begin with: a capital, a digit, or a particle's first letter (il-, l-, d', de, of, the, van, zum, sv, e, y, i, ...).
const PARTICLE_FIRST = new Set([...'ildDLotvazsey'].map((ch) => ch.charCodeAt(0)));
const NW_FIRST = (c: number) => isDigitCode(c) || isUpperCaseCode(c) || PARTICLE_FIRST.has(c);
const sticky = (re: RegExp) => new RegExp(re.source, 'uy');
const END = {
  A: sticky(A_BEFORE),
  A2: sticky(A2_BEFORE),
  C: sticky(C_BEFORE),
  COMPOUND: sticky(COMPOUND_BEFORE),
  COMPOUND_NUM: sticky(COMPOUND_NUM_BEFORE),
};

/** Addresses around one street word at [s, e). */
function shapesAround(text: string, s: number, e: number, word: string, compound: boolean, out: Array<[number, number]>): void {
  const before = text.slice(Math.max(0, s - 90), s);
  const cap = UPPER_START.test(text[s]!);
  // Cheap exact gates for the end-anchored patterns, which try every position of \`before\`: all of
  // them end in [ \t]+, and those with a house number (NUM) need a digit.
  const last = before.charCodeAt(before.length - 1);
  const spaced = last === 32 || last === 9;
  const digit = spaced && hasDigit(before);
  const after = (re: RegExp): number => {
    re.lastIndex = e;
    const m = re.exec(text);
    return m ? e + m[0].length : -1;
  };
  if (compound) {
    if (!cap) return;
    const end = after(C_AFTER);
    if (end >= 0) {
      const b = spaced ? endMatch(COMPOUND_BEFORE, END.COMPOUND, before, NW_FIRST) : null;
      out.push([b ? s - b[1]!.length : s, end]);
      return;
    }
    const n = digit && digitInLastTokens(before, 4) ? endMatch(COMPOUND_NUM_BEFORE, END.COMPOUND_NUM, before, NUM_FIRST) : null;
    // Not a frequent English word that merely ends like a street ("2 Spring releases").
    if (n && !gazetteer().commonEn.has(word)) out.push([s - n[1]!.length, Math.max(e, after(A2_AFTER))]);
    return;
  }
  void word;
  // B: "Rua Silveira Martins, 68", "Avenue du Commerce 17"; a lower-case type only when abbreviated ("str. 31 August 1989, 121a", "ul. Długa 5")
  if (cap || text[e] === '.') {
    const end = after(B_AFTER);
    if (end >= 0) out.push([s, end]);
  }
  // A: "17 Rue du Médecin-Colonel Calbairac", "33 avenue de Provence"
  const a = digit && digitInLastTokens(before, 2) ? endMatch(A_BEFORE, END.A, before, NUM_FIRST) : null;
  if (a) {
    let end = after(A_AFTER);
    if (end < 0 && cap) end = after(A_NUMBERED);
    if (end >= 0) out.push([s - a[1]!.length, end]);
  }
  // A2: "7931 Tenth Line"; a lower-case type after a name that is no frequent word: "81 Ģertrūdes iela", "11 Skoufa street" (not "5 Big street parties")
  const a2 = digit && digitInLastTokens(before, 5) ? endMatch(A2_BEFORE, END.A2, before, NUM_FIRST) : null;
  if (a2 && (cap || !a2[1]!.trim().split(/[ \t]+/).slice(1).some((w) => gazetteer().commonEn.has(w.toLowerCase())))) out.push([s - a2[1]!.length, Math.max(e, after(A2_AFTER))]);
  // C: "Skoufa street 11", "Ģertrūdes iela 81"
  const c = spaced && capitalBeforeSpaces(before) ? endMatch(C_BEFORE, END.C, before, NW_FIRST) : null;
  if (c) {
    const end = after(C_AFTER);
    if (end >= 0) out.push([s - c[1]!.length, end]);
  }
}
// Arabic: street word, name, number ("شارع النزهة 12").
const AR = /(?<![\p{L}\p{N}])(?:شارع|طريق|ميدان|جادة|حي)\s+[\p{Script=Arabic}\s]{1,40}?\s\d{1,5}(?![\p{N}])(?:,?\s*\n?\s*\d{4,6}\s+[\p{Script=Arabic}\s]{2,30}(?=[\n,.]|$))?/gu;
const D = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]{0,12}(?:로|길|路|街|道|通り)\s*\d{1,5}(?:-\d{1,4})?(?:번지|号|號|番地|번길)?|(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}]*\s+){0,3}(?:Road|Street|Rd)\s*\d{1,5}(?:号|號|番地)/gu;
const E = new RegExp(String.raw`(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{M}'’.\-]*(?:\s${NW}){0,3}\s${NUM},?(?:\s*\n\s*|,\s*)${POSTCODE}\s*[-–]?\s*${CITY}`, 'gu');
// G: number first, a street name without a street word, then a district or city and a postcode:
// "391 English Village, Arbil, 44001", "1140 Alhambra, Ermita, 1000 Metro Manila". A four-digit
// postcode needs a city after it (else "2 Apple TVs, Amsterdam, 2019" would be an address). A weak shape
// ("4 Routers, Ziggo, KPN, 12345"): reported only with address context ("lives at", "send to", "address").
// What may follow G's postcode or city: punctuation, the end, or the sentence going on in lower case
// ("…, Arbil, 44001 is her address", "…, 1000 Metro Manila on Friday", "…, 44001 (second floor)").
const G_END = String.raw`\s*(?:[,;!?()\n]|\.(?!\d)|$)|[ \t]+\p{Ll}`;
const G = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])\d{1,5}[ \t]+(?:${NW}[ \t]+){0,2}\p{Lu}[\p{L}\p{M}'’\-]*,[ \t]*(?:${CITY},[ \t]*){1,2}(?:\d{5,6}(?:[ \t]+${CITY})?(?=${G_END})|\d{4}[ \t]+${CITY}(?=${G_END}))`,
  'gu',
);
// H: a street name without a street word, a house number, then a city ("Obala 33, Piran", "Goce Delceva 2,
// Belgrade", "Panenská 666/20, Bratislava"): as weak as G, reported only with address context. At most
// three digits, as most such house numbers have: a four-digit number is more often a model ("Fritzbox 7590, Ziggo").
const H_NUM = String.raw`\d{1,3}(?:\s?\p{L}(?![\p{L}]))?(?:\s?[/-]\s?\d{1,4}[A-Za-z]?)?`;
const H = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${NW}[ \t]+){0,2}\p{Lu}[\p{L}\p{M}'’\-]*[ \t]+${H_NUM},[ \t]*${CITY}(?=${G_END})`, 'gu');
const H_ANCHOR = /\d\p{L}?,[ \t]*\p{Lu}/gu;
const H_ANCHOR_AT = new RegExp(H_ANCHOR.source, 'uy');
// P: post-office boxes ("P.O. Box 1234, Nairobi", "Postbus 123, 1000 AA Amsterdam", "Postfach 10 20 30", "B.P. 1234, Dakar", "Apartado 123", "Caixa Postal 45").
const P = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:P\.?\s?O\.?\s?Box|PO\s?Box|Post\s?Office\s?Box|Postbus|Postfach|Postboks|B\.P\.|Apartado(?:\s(?:de\s)?Correos)?|Apdo\.?|Casilla(?:\sde\sCorreo)?|Caixa\sPostal|Cx\.?\sP\.?|Casella\sPostale)\s?\d{1,6}(?:\s\d{2}){0,2}(?![\p{L}\p{N}])${REST}`, 'gu');
const F = /(?<![\p{L}\p{N}])(?:PSC|CMR|Unit|USNS\s+\p{Lu}+|USS\s+\p{Lu}+)\s+\d{1,5},?\s+(?:Box\s+\d{1,5},?\s+)?(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}(?:-\d{4})?/gu;
// Anchors: a street-type word, a compound street word, or a CJK or Arabic street word near a digit.
// Vietnamese (and similar) addresses: house number and a street without a street word, then the
// ward or district ("15 Nguyễn Huệ, Quận 1", "12/3 Lê Lợi, Phường Bến Nghé"): the division word is the anchor.
const V = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\d{1,5}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)?\s(?:\p{Lu}[\p{L}\p{M}]*\s?){1,4},\s*(?:Phường|Quận|Huyện|Thị xã|Xã|P\.|Q\.)\s?[\p{L}\p{M}\d ]{1,30}(?:,\s*(?:Thành phố|Tỉnh|TP\.?)?\s?[\p{L}\p{M} ]{2,40})*`,
  'gu',
);
// Thai (ถนน road, ซอย lane), Hebrew (רחוב street, שדרות avenue) and Japanese (〒 postal mark;
// romanised chome-ban-go before a "-ku"/"-shi" ward or city) addresses, each gated by its own words.
const TH = /(?<![\p{L}\p{N}])\d{1,5}(?:\/\d{1,4})?\s*(?:ถนน|ซอย)[\p{Script=Thai}\p{M}\d .]{1,80}?(?:\s\d{5}(?![\p{N}])|(?=[\n,]|$))/gu;
const HE = /(?:רחוב|רח['׳]|שדרות|שד['׳])\s?[\p{Script=Hebrew}"'׳״ -]{1,30}?\s\d{1,4}(?![\p{N}])(?:,\s*[\p{Script=Hebrew} -]{2,20})?/gu;
const JP = /〒\s?\d{3}[-‐－]\d{4}[^\n,.;。、]{0,40}|(?<![\p{L}\p{N}])\d{1,2}-\d{1,2}-\d{1,3}\s\p{Lu}[\p{L}-]*,\s*\p{Lu}\p{L}*-(?:ku|shi|cho|machi|gun)(?![\p{L}])(?:,\s*\p{Lu}\p{L}+(?:\s\d{3}-\d{4})?)?/gu;
const OTHER_SHAPES: Array<[RegExp, readonly string[], string]> = [
  [TH, ['ถนน', 'ซอย'], 'house number and road (Thai)'],
  [HE, ['רחוב', 'רח', 'שדרות', 'שד'], 'street and house number (Hebrew)'],
  [JP, ['〒', '-ku', '-shi', '-cho', '-machi', '-gun'], 'postal mark or block address (Japan)'],
];
// Gates by plain substring search (a Unicode pattern tried at every position cost more than the shape).
const hasAny = (text: string, words: readonly string[]) => words.some((w) => text.includes(w));
const V_WORDS = ['Phường', 'Quận', 'Huyện', 'Thị xã', 'Xã ', 'P.', 'Q.'];
const COMPOUND_END = new RegExp(`${COMPOUND}$`);
const OTHER_ANCHORS = new Set(['شارع', 'طريق', 'ميدان', 'جادة', 'حي', 'apo', 'fpo', 'dpo', 'psc', 'cmr']);
const CJK_STREET = /[로길路街道号號]/;

// What P cannot match without (most texts have none of these words).
const PO_BOX = /\b(?:box|postbus|postfach|postboks|b\.p\.|apartado|apdo|casilla|caixa|cx\.?\sp|casella)/i;
// ... and the case P writes them in (P is case-sensitive): "TV box", frequent in a telecom community, is no P.O. box.
// A necessary condition for a match of P, so P (tried at every P, B, A and C of the post) runs far less often.
const PO_BOX_CASED = /Box|Post(?:bus|fach|boks)|B\.P\.|Apartado|Apdo|Casilla|Caixa|Cx|Casella/;
// What V cannot match without: its division word after a comma (the words alone, "P." above all, are frequent).
const V_AFTER_COMMA = /,\s*(?:Phường|Quận|Huyện|Thị xã|Xã|P\.|Q\.)/u;
// What D, AR and F cannot match without (a superset of their fixed words).
const SCRIPT_SHAPES: Array<[RegExp, RegExp]> = [
  [D, /[로길路街道号號番通]/],
  [AR, /شارع|طريق|ميدان|جادة|حي/],
  [F, /[ADF]PO/],
];

/**
 * Shape E's pre-filter: consecutive digit runs (a house number, then a postcode) whose gap holds a
 * comma or a line break and little else (E allows a letter or "/12b" after the number, a comma, and
 * up to three postcode letters and a dash before the postcode's digits), as one [start, end] anchor each.
 */
function numberThenPostcode(text: string, runs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < runs.length; i += 2) {
    const a = runs[i + 1]!;
    const b = runs[i + 2]!;
    let sep = false;
    let other = 0;
    for (let k = a; k < b && other <= 12; k++) {
      const c = text.charCodeAt(k);
      if (c === 44 || c === 10) sep = true;
      else if (c !== 32 && c !== 9 && c !== 13 && c !== 0xa0) other++;
    }
    if (sep && other <= 12) out.push(runs[i]!, runs[i + 3]!);
  }
  return out;
}

/** Shape G's pre-filter: a house number, then within 60 characters and after a comma a four- to six-digit postcode. */
function numberThenLaterPostcode(text: string, runs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < runs.length; i += 2) {
    const a = runs[i + 1]!;
    const b = runs[i + 2]!;
    const pl = runs[i + 3]! - b;
    if (a - runs[i]! > 5 || pl < 4 || pl > 6 || b - a > 60) continue;
    let k = a;
    while (k < b && text.charCodeAt(k) !== 44) k++;
    if (k < b) out.push(runs[i]!, runs[i + 3]!);
  }
  return out;
}

// Per word as written: is it a street word (kept on the word's shared record, spans.ts wordRecords).
function isStreetWord(raw: string): boolean {
  const word = raw.toLowerCase();
  return TYPE_WORDS.has(word) || OTHER_ANCHORS.has(word) || (raw.length > 4 && COMPOUND_END.test(word)) || CJK_STREET.test(word);
}

/** Street words near house numbers (within `wins`), as [start, end] pairs, from the scan's word tokens. */
function anchorWords(st: ScanState, wins: readonly number[]): number[] {
  const out: number[] = [];
  const ws = wordTokens(st);
  const recs = wordRecords(st);
  const text = st.text;
  let w = 0;
  for (let i = 0; i < ws.length; i += 2) {
    const s = ws[i]!;
    const e = ws[i + 1]!;
    while (w < wins.length && wins[w + 1]! <= s) w += 2;
    if (w >= wins.length) break;
    if (e <= wins[w]!) continue;
    const r = recs[i >> 1]!;
    if (r.street === 0) r.street = isStreetWord(r.word) ? 1 : 2;
    if (r.street === 1) out.push(s, text[e] === '.' ? e + 1 : e);
  }
  return out;
}

/**
 * H_ANCHOR's matches in the text, as a global search finds them, tried only at the last unit of each digit
 * run: H_ANCHOR's one digit must be followed by a letter or a comma, not by another digit (ASCII or
 * full-width, both inside a run of normDigits), so no other unit can begin a match.
 */
function anchorsOfH(text: string, runs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < runs.length; i += 2) {
    const p = runs[i]! - 1;
    if (!isDigitCode(text.charCodeAt(p))) continue;
    H_ANCHOR_AT.lastIndex = p;
    const m = H_ANCHOR_AT.exec(text);
    if (m) out.push(p, p + m[0].length);
  }
  return out;
}

export function detectWorldAddresses(st: ScanState, add: Add): void {
  const { text } = st;
  const runs = digitRuns(st);
  if (runs.length === 0) return;
  const anchors = anchorWords(st, windows(text, runs, 60, 40));
  if (anchors.length) {
    const spans: Array<[number, number]> = [];
    for (let i = 0; i < anchors.length; i += 2) {
      const s = anchors[i]!;
      const e = anchors[i + 1]!;
      const w = text.slice(s, e).toLowerCase().replace(/\.+$/, '');
      if (TYPE_WORDS.has(w)) shapesAround(text, s, e - (text[e - 1] === '.' ? 1 : 0), w, false, spans);
      else if (w.length > 4 && COMPOUND_END.test(w)) shapesAround(text, s, e, w, true, spans);
    }
    const near = windows(text, anchors, 40, 40);
    for (const [re, needs] of SCRIPT_SHAPES) {
      // Each shape needs one of its own words (CJK street signs, Arabic street words, APO/FPO/DPO): most texts have none.
      if (!needs.test(text)) continue;
      for (const x of execIn(re, text, near)) spans.push([x.index, x.index + x[0].length]);
    }
    for (const [s, e] of spans) {
      // A single frequent word that merely ends like a street ("During 1971", "Spring 2024") is no street.
      const street = /^([\p{L}\p{M}'’\-]+)\s+\d/u.exec(text.slice(s, e));
      if (street && gazetteer().commonEn.has(street[1]!.toLowerCase()) && !TYPE_WORDS.has(street[1]!.toLowerCase())) continue;
      add(s, e, 0.75, 'street, house number (world format)');
    }
  }
  for (const x of execInAt(AT.G[0], text, windows(text, numberThenLaterPostcode(text, runs), 20, 60), AT.G[1])) add(x.index, x.index + x[0].length, 0.35, 'house number and street, place and postcode');
  for (const x of execIn(H, text, windows(text, anchorsOfH(text, runs), 60, 40))) {
    // Not a frequent word before the number ("During 12, Paris", "Chapter 3, London").
    const first = /^[\p{L}\p{M}'’\-]+/u.exec(x[0])?.[0].toLowerCase() ?? '';
    if (!gazetteer().commonEn.has(first)) add(x.index, x.index + x[0].length, 0.35, 'street and house number, city');
  }
  if (PO_BOX_CASED.test(text) && PO_BOX.test(text)) for (const x of execInAt(AT.P[0], text, [0, text.length], AT.P[1])) add(x.index, x.index + x[0].length, 0.7, 'post-office box');
  for (const [re, needs, why] of OTHER_SHAPES) if (hasAny(text, needs)) for (const x of execIn(re, text, [0, text.length])) add(x.index, x.index + x[0].length, 0.75, why);
  if (hasAny(text, V_WORDS) && V_AFTER_COMMA.test(text)) for (const x of execInAt(AT.V[0], text, windows(text, runs, 10, 120), AT.V[1])) add(x.index, x.index + x[0].length, 0.75, 'house number and street, ward or district');
  // Shape E has no street word: a number followed by a postcode-and-city line.
  for (const x of execInAt(AT.E[0], text, windows(text, numberThenPostcode(text, runs), 120, 90), AT.E[1])) add(x.index, x.index + x[0].length, 0.7, 'street and house number, postcode and city');
}

// Sticky copies for execInAt, with where each can start (all begin with a lookbehind for no letter or digit).
const AT = {
  E: [new RegExp(E.source, 'uy'), wordStart({ upper: true })],
  G: [new RegExp(G.source, 'uy'), wordStart({ digit: true })],
  V: [new RegExp(V.source, 'uy'), wordStart({ digit: true })],
  P: [new RegExp(P.source, 'uy'), wordStart({ chars: 'PBAC' })],
} as const;

export const __test = { D, E, F, AR, V, G, P, AT, H_ANCHOR, anchorsOfH, digitInLastTokens, A_BEFORE, A2_BEFORE, COMPOUND_NUM_BEFORE };
export type { Finding };
