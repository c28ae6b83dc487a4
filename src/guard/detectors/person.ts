/**
 * Person names without a statistical model: cue words (titles such as "Mr", "mevrouw",
 * "dhr."; roles such as "customer", "klant"; verbs after the name such as "called",
 * "belde"), a first-name gazetteer for "First Last" pairs, and negative context for
 * sign-offs ("Kind regards, Lisa"). The customer register adds exact names of real customers.
 */
import type { Finding } from '../types.ts';
import { windows, execInAt, isLetterOrDigitCode, isRegexSpace, wordStart, wordTokens, SpanCache, type ScanState } from '../spans.ts';
import { enhance, CONTEXT, fold } from '../context.ts';
import { FIRST_NAMES, NOT_NAMES } from './names.ts';
import { capWords } from '../words.ts';
import { allCueMatches, cueMatches, literalHead, registerCuePattern, someHeadAt, topLevelAlternatives } from '../cue-words.ts';
import { detectPersonsByModel, placeOrCompany } from './person-model.ts';

const WORD = String.raw`\p{Lu}(?:[\p{Ll}'’]|\p{Lu}(?=\p{Ll}))*\p{Ll}(?:-\p{Lu}?[\p{Ll}'’]+)*`;
const PART = String.raw`(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]en|[Tt]er|[Tt]e|[Ll]a|[Ll]e|[Dd]u|[Dd]a|[Dd]i|[Vv]on|'t|[Ii]n\s't|[Oo]p\s[Dd]e|[Vv]an\s't|O'|Mc|Mac)`;
const INITIALS = String.raw`(?:\p{Lu}\.\s?){1,3}`;
/** A name: optional initials, optional particles, 1–4 capitalised words. */
const NAME = String.raw`(?:${INITIALS}\s?)?(?:${PART}\s)*${WORD}(?:\s(?:${PART}\s)*${WORD}){0,3}`;

const TITLE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Madam|Mevr|Mw|Dhr|Meneer|Mevrouw|Mejuffrouw|Juffrouw|[Dd]e\s[Hh]eer|[Mm]r|[Mm]rs|[Mm]s|[Mm]iss|[Mm]eneer|[Mm]evrouw|[Mm]evr|[Mm]w|[Dd]hr|[Dd]r)\.?\s+(?<name>${NAME})`,
  'uy',
);
const ROLE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:[Cc]ustomer|[Cc]lient|[Cc]aller|[Ss]ubscriber|[Aa]ccount\sholder|[Cc]ontact\sperson|[Ss]poke\s(?:with|to)|[Tt]alked\sto|[Oo]n\sbehalf\sof|[Nn]amed|[Nn]ame\sis|[Nn]ame:|[Hh]usband|[Ww]ife|[Pp]artner|[Ss]on|[Dd]aughter|[Kk]lant|[Bb]eller|[Aa]bonnee|[Cc]ontactpersoon|[Gg]esproken\smet|[Gg]esprek\smet|[Nn]amens|[Gg]enaamd|[Nn]aam\sis|[Nn]aam:|[Ee]chtgeno(?:ot|te)|[Zz]oon|[Dd]ochter|[Aa]anvrager|[Aa]ccounthouder|[Tt]enaamstelling|[Tt]en\snaam\svan|[Ii]n\sthe\sname\sof|[Cc]alled\sby|[Ss]ent\sby|[Mm]essage\sfrom|[Bb]ericht\svan|[Cc]ontractant|[Cc]ontracthouder|[Pp]olicyholder|[Tt]itular|From:|Van:|To:|Aan:|Cc:)(?:[ \t]+(?:is|was|heet|zijn|are))?[,:]?(?:[ \t]+|[ \t]*\([ \t]*)(?<name>${NAME})`,
  'uy',
);
const VERB_AFTER = /^(?:'s\s|’s\s|\s(?:called|phoned|rang|emailed|e-mailed|wrote|reported|complained|asked|contacted|mentioned|told|said|explained|belde|heeft\sgebeld|heeft\sgemaild|mailde|schreef|meldde|klaagde|vroeg|liet\sweten|vertelde|gaf\saan|heeft\sgebeld|heeft\saangegeven|is\sverhuisd|moved|lives|woont|has\sbeen|was\scalling|tried|gesproken|gebeld|gemaild|heeft\sweer\sgebeld|phoned\sagain)\b)/u;
const MET_NAME = new RegExp(String.raw`(?<![\p{L}\p{N}])[Mm]et\s+(?<name>${NAME})\s+(?:gesproken|gebeld|gemaild|gechat|afgesproken|contact\sgehad)`, 'uy');
const LOWER_NAME = /(?<![\p{L}\p{N}])(\p{Ll}{2,})((?:\s(?:van|de|der|den|ter|ten|'t))*\s\p{Ll}{2,}){1,2}(?=\s(?:phoned|called|rang|emailed|e-mailed|wrote|belde|mailde|heeft\s(?:weer\s|ook\s)?(?:gebeld|gemaild)))/gu;
/**
 * Where a cue pattern (?<![\p{L}\p{N}])(?:alt|alt|...)… may start (execInAt checks the lookbehind): where
 * one of its alternatives' literal heads is written (cue-words.ts literalHead; an alternative begins with a
 * letter or a class such as [Cc], one head per letter of the class). The windows after a cue word hold
 * many word starts with a cue's first letter ("customer" and "contact" windows: every c, s, a, t, ...);
 * running the pattern at each cost ≈ 0.7 µs, comparing a few heads almost nothing.
 */
function cueStarts(re: RegExp): (c: number, s: string, p: number) => boolean {
  const head = '(?<![\\p{L}\\p{N}])';
  const src = re.source;
  const byFirst = new Map<number, string[]>();
  const addHeads = (a: string) => {
    let firsts: string;
    let rest: string;
    if (a[0] === '[') {
      firsts = a.slice(1, a.indexOf(']'));
      rest = a.slice(a.indexOf(']') + 1);
    } else if (/^[A-Za-z]/.test(a)) {
      firsts = a[0]!;
      rest = a.slice(1);
    } else throw new Error(`cue alternative ${a} starts with neither a letter nor a class`);
    for (const ch of firsts) {
      const list = byFirst.get(ch.charCodeAt(0)) ?? [];
      list.push(ch + literalHead(rest));
      byFirst.set(ch.charCodeAt(0), list);
    }
  };
  if (src.startsWith(head + '(?:')) for (const a of topLevelAlternatives(src, head.length + 3)) addHeads(a);
  else if (src.startsWith(head + '[Mm]')) addHeads(src.slice(head.length));
  else throw new Error(`cue pattern ${src} changed shape`);
  return (c, s, p) => {
    const heads = byFirst.get(c);
    return heads !== undefined && someHeadAt(s, p, heads);
  };
}
export const TITLE_STARTS = cueStarts(TITLE_RE);
export const ROLE_STARTS = cueStarts(ROLE_RE);
export const MET_STARTS = cueStarts(MET_NAME);
export { TITLE_RE, ROLE_RE, MET_NAME };

export const CAP_SEQ = new RegExp(String.raw`(?<![\p{L}\p{N}])${NAME}`, 'uy');
/**
 * Where a CAP_SEQ match may start (execInAt checks the lookbehind): at an upper-case letter (initials,
 * a name word, "Mc", "O'"), or where a particle that does not begin with a capital is written (van, de,
 * ten, la, in 't, op de, 't: the literal heads of PART's alternatives in lower case). Only the first letters
 * were checked before: every "the", "to", "it", "of", "do" in the windows ran the pattern.
 */
const UPPER_START = wordStart({ upper: true });
const PARTICLE_HEADS = new Map<number, string[]>();
for (const a of topLevelAlternatives(PART, 3)) {
  const lowerForm = a[0] === '[' ? a[2]! + a.slice(a.indexOf(']') + 1) : a;
  if (!/^[a-z']/.test(lowerForm)) continue; // O', Mc, Mac: capitals
  const head = literalHead(lowerForm);
  const c = head.charCodeAt(0);
  PARTICLE_HEADS.set(c, [...(PARTICLE_HEADS.get(c) ?? []), head]);
}
export const capSeqCanStart = (c: number, s: string, p: number): boolean => {
  if (UPPER_START(c)) return true;
  const heads = PARTICLE_HEADS.get(c);
  return heads !== undefined && someHeadAt(s, p, heads);
};

// Anchors (cheap, on the folded or original text): the patterns above only run on windows around them.
export const TITLE_ANCHOR = /\b(?:mr|mrs|ms|miss|mx|dr|sir|madam|mevr|mw|dhr|meneer|mevrouw|mejuffrouw|juffrouw|de\sheer)\.?\s/g;
export const ROLE_ANCHOR =
  /\b(?:customer|client|caller|subscriber|account\sholder|contact\sperson|spoke\s(?:with|to)|talked\sto|on\sbehalf\sof|named|name\sis|name:|husband|wife|partner|son|daughter|klant|beller|abonnee|contactpersoon|gesproken\smet|gesprek\smet|namens|genaamd|naam\sis|naam:|echtgeno(?:ot|te)|zoon|dochter|aanvrager|accounthouder|tenaamstelling|ten\snaam\svan|in\sthe\sname\sof|called\sby|sent\sby|message\sfrom|bericht\svan|contractant|contracthouder|policyholder|titular|from:|van:|to:|aan:|cc:)/g;
export const MET_ANCHOR = /\b(?:met)\s/g;
const LOWER_VERB_ANCHOR = /\s(?:phoned|called|rang|emailed|e-mailed|wrote|belde|mailde|heeft\s)/y;
export const VERB_ANCHOR =
  /['’]s\s|\s(?:called|phoned|rang|emailed|e-mailed|wrote|reported|complained|asked|contacted|mentioned|told|said|explained|belde|heeft|mailde|schreef|meldde|klaagde|vroeg|liet|vertelde|gaf|is\sverhuisd|moved|lives|woont|has\sbeen|was\scalling|tried|gesproken|gebeld|gemaild|phoned)\b/g;

const TITLE_CUE = registerCuePattern(TITLE_ANCHOR);
const ROLE_CUE = registerCuePattern(ROLE_ANCHOR);
const MET_CUE = registerCuePattern(MET_ANCHOR);

/** Anchors of TITLE_ANCHOR, ROLE_ANCHOR and MET_ANCHOR in the folded text, as anchorsOf gives them. */
export function cueAnchors(lower: string): [number[], number[], number[]] {
  const all = allCueMatches(lower);
  return [all[TITLE_CUE]!, all[ROLE_CUE]!, all[MET_CUE]!];
}

/**
 * VERB_ANCHOR's matches, as anchorsOf gives them, without a whole-text search: a match starts at an
 * apostrophe ("'s ") or at a space before a verb, so the pattern runs sticky only where the next two
 * letters begin one of its verbs.
 */
const VERB_STICKY = new RegExp(VERB_ANCHOR.source, 'y');
// Indexed by the first letter (a–z) and the second character (a–z, or 26 for the hyphen of "e-mailed"): the
// literal heads of the verbs starting so (cue-words.ts literalHead), which must be written after the space.
const VERB_HEADS: Array<string[] | undefined> = new Array(26 * 27);
{
  const src = VERB_ANCHOR.source;
  const head = "['’]s\\s|\\s(?:";
  if (!src.startsWith(head)) throw new Error(`verb pattern ${src} changed shape`);
  for (const a of topLevelAlternatives(src, head.length)) {
    if (!/^[a-z][a-z-]/.test(a)) throw new Error(`verb ${a} does not start with a letter and a letter or hyphen`);
    (VERB_HEADS[(a.charCodeAt(0) - 97) * 27 + (a[1] === '-' ? 26 : a.charCodeAt(1) - 97)] ??= []).push(literalHead(a));
  }
}
/**
 * VERB_ANCHOR's matches as anchorsOf gives them; `words` are wordTokens of the text. A match starts at
 * an apostrophe ("'s "), or at a whitespace right before a word token (a letter after a whitespace always
 * starts one), so the text's units are not visited one by one: both kinds of position are taken in order,
 * merged as they come (no list of them to build and sort).
 */
export function verbAnchors(text: string, words: readonly number[]): number[] {
  const out: number[] = [];
  const n = text.length - 2;
  let end = 0;
  let q1 = text.indexOf("'");
  let q2 = text.indexOf('’');
  let w = 0;
  for (;;) {
    while (w < words.length && !(words[w]! > 0 && isRegexSpace(text.charCodeAt(words[w]! - 1)))) w += 2;
    const sp = w < words.length ? words[w]! - 1 : Infinity;
    const q = q1 < 0 ? (q2 < 0 ? Infinity : q2) : q2 < 0 ? q1 : Math.min(q1, q2);
    if (sp === Infinity && q === Infinity) break;
    // (A whitespace is no apostrophe: the two never meet at one position.)
    const p = sp < q ? sp : q;
    if (p === sp) w += 2;
    else if (p === q1) q1 = text.indexOf("'", q1 + 1);
    else q2 = text.indexOf('’', q2 + 1);
    if (p >= n) break;
    const c = text.charCodeAt(p);
    if (c !== 39 && c !== 0x2019) {
      // After the whitespace, the next two letters must begin one of the verbs, and its head be written there.
      const a = text.charCodeAt(p + 1) - 97;
      const d = text.charCodeAt(p + 2);
      const b = d === 45 ? 26 : d - 97;
      if (a < 0 || a > 25 || b < 0 || b > 26) continue;
      const heads = VERB_HEADS[a * 27 + b];
      if (heads === undefined || !someHeadAt(text, p + 1, heads)) continue;
    }
    if (p < end) continue;
    VERB_STICKY.lastIndex = p;
    const m = VERB_STICKY.exec(text);
    if (!m) continue;
    end = p + m[0].length;
    out.push(p, end);
  }
  return out;
}

const FIRST_NAME_WORD = new SpanCache<boolean>(100_000);
const isFirstName = (w: string) => FIRST_NAMES.has(w);
/** Capitalised words that are known first names, as [start, end] pairs. */
function firstNameAnchors(st: ScanState): number[] {
  const out: number[] = [];
  const caps = capWords(st);
  for (let i = 0; i < caps.length; i += 2) {
    const s = caps[i]!;
    const e = caps[i + 1]!;
    if (e - s >= 2 && e - s <= 12 && FIRST_NAME_WORD.get(st.lower, s, e, isFirstName)) out.push(s, e);
  }
  return out;
}

function isNameChar(c: number): boolean {
  return c === 39 || c === 0x2019 || c === 45 || isLetterOrDigitCode(c);
}
function isUpperCode(c: number, folded: number): boolean {
  return (c >= 65 && c <= 90) || (c > 127 && c !== folded);
}

/** Merge two sorted flat pair lists. */
function mergePairs(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      out.push(a[i]!, a[i + 1]!);
      i += 2;
    } else {
      out.push(b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}

function trimName(text: string, start: number, name: string): [number, number] | null {
  // Drop trailing/leading words that are not names (e.g. "Jansen Today").
  const parts = name.split(/\s+/);
  while (parts.length && NOT_NAMES.has(fold(parts[parts.length - 1]!.replace(/[.'’]+$/, '')))) parts.pop();
  let s = start;
  while (parts.length && NOT_NAMES.has(fold(parts[0]!))) {
    s += parts[0]!.length + 1;
    parts.shift();
  }
  if (!parts.length) return null;
  const joined = parts.join(' ');
  const idx = text.indexOf(joined, s);
  if (idx < 0 || idx > s + 2) return [s, s + joined.length];
  return [idx, idx + joined.length];
}

export function detectPersons(st: ScanState): Finding[] {
  const { text } = st;
  const out: Finding[] = [];
  const add = (s: number, e: number, conf: number, why: string) => {
    if (e - s < 2) return;
    if (st.claims.overlaps(s, e)) return;
    // A street or company named after a person is neither (titles and roles are strong enough on their own).
    if (conf < 0.85 && placeOrCompany(st, s, e)) return;
    for (const f of out) {
      if (f.start < e && s < f.end) {
        if (conf > f.confidence) {
          f.start = Math.min(f.start, s);
          f.end = Math.max(f.end, e);
          f.confidence = conf;
          f.reason = why;
        }
        return;
      }
    }
    out.push({ type: 'person', start: s, end: e, confidence: conf, reason: why, source: 'pattern' });
  };
  const lower = st.lower;
  const titleAnchors = cueMatches(st, TITLE_CUE);
  const roleAnchors = cueMatches(st, ROLE_CUE);
  const metAnchors = cueMatches(st, MET_CUE);
  for (const m of execInAt(TITLE_RE, text, windows(text, titleAnchors, 0, 120), TITLE_STARTS)) {
    const name = m.groups!.name!;
    const s0 = m.index + m[0].length - name.length;
    const t = trimName(text, s0, name);
    if (!t) continue;
    add(t[0], t[1], 0.88, 'name after a title (Mr/Mrs/meneer/mevrouw)');
  }
  for (const m of execInAt(ROLE_RE, text, windows(text, roleAnchors, 0, 140), ROLE_STARTS)) {
    const name = m.groups!.name!;
    const s0 = m.index + m[0].length - name.length;
    const t = trimName(text, s0, name);
    if (!t) continue;
    const words = text.slice(t[0], t[1]).split(/\s+/).length;
    const cue = m[0].slice(0, m[0].length - name.length).trim();
    const r = enhance(text, t[0], t[1], words >= 2 ? 0.8 : 0.55, { negative: CONTEXT.personNegative, penalty: 0.3, wordsBefore: 3, wordsAfter: 2 }, st.lower);
    add(t[0], t[1], r.score, `name after "${cue.replace(/[,:]$/, '')}"`);
  }
  for (const m of execInAt(MET_NAME, text, windows(text, metAnchors, 0, 140), MET_STARTS)) {
    const name = m.groups!.name!;
    const s0 = m.index + m[0].indexOf(name, 3);
    const t = trimName(text, s0, name);
    if (t) add(t[0], t[1], 0.75, 'name in "met … gesproken/gebeld"');
  }
  // Names typed in lowercase before a call verb: only with a known first name ("jan de vries belde").
  // A verb only matters right after a capitalised word (the end of a name).
  const verbs: number[] = [];
  const lowerVerbs: number[] = [];
  const allVerbs = verbAnchors(text, wordTokens(st));
  for (let i = 0; i < allVerbs.length; i += 2) {
    // the call verbs LOWER_NAME looks for are a subset of VERB_ANCHOR's
    LOWER_VERB_ANCHOR.lastIndex = allVerbs[i]!;
    const lv = LOWER_VERB_ANCHOR.exec(text);
    if (lv && lv.index === allVerbs[i]) lowerVerbs.push(lv.index, lv.index + lv[0].length);
    let j = allVerbs[i]!;
    while (j > 0 && isNameChar(text.charCodeAt(j - 1))) j--;
    if (j < allVerbs[i]! && isUpperCode(text.charCodeAt(j), lower.charCodeAt(j))) verbs.push(allVerbs[i]!, allVerbs[i + 1]!);
  }
  for (const w of lowerNameMatches(text, windows(text, lowerVerbs, 90, 40))) {
    const m = w;
    const last = m[0].split(/\s+/).pop()!;
    if (NOT_NAMES.has(last)) continue;
    add(m.index, m.index + m[0].length, 0.6, 'known first name before a call verb');
  }
  const capWins = mergeWins(windows(text, verbs, 120, 2), windows(text, firstNameAnchors(st), 60, 120));
  for (const m of execInAt(CAP_SEQ, text, capWins, capSeqCanStart)) {
    const t = trimName(text, m.index, m[0]);
    if (!t) continue;
    const [s, e] = t;
    const span = text.slice(s, e);
    const words = span.split(/\s+/);
    const after = text.slice(e, e + 40);
    const verb = VERB_AFTER.exec(after);
    const firstKnown = FIRST_NAMES.has(fold(words[0]!.replace(/\.$/, '')));
    if (verb && (words.length >= 2 || firstKnown)) {
      add(s, e, words.length >= 2 ? 0.8 : 0.6, `name before "${verb[0].trim()}"`);
      continue;
    }
    if (firstKnown && words.length >= 2) {
      const r = enhance(text, s, e, 0.55, { positive: CONTEXT.person, negative: CONTEXT.personNegative, boost: 0.3, penalty: 0.4, wordsBefore: 6, wordsAfter: 4 }, st.lower);
      add(s, e, r.score, `first name + surname${r.positive ? ` near "${r.positive}"` : ''}${r.negative ? ` (but near "${r.negative}")` : ''}`);
    }
  }
  detectPersonsByModel(st, add);
  return out;
}

/** LOWER_NAME matches inside windows, skipping past a leading word that is not a known first name (as the global scan did). */
function lowerNameMatches(text: string, wins: number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (let i = 0; i < wins.length; i += 2) {
    const s = wins[i]!;
    const sub = text.slice(s, wins[i + 1]!);
    LOWER_NAME.lastIndex = 0;
    for (let m = LOWER_NAME.exec(sub); m; m = LOWER_NAME.exec(sub)) {
      if (!FIRST_NAMES.has(m[1]!)) {
        LOWER_NAME.lastIndex = m.index + m[1]!.length + 1;
        continue;
      }
      m.index += s;
      out.push(m);
    }
  }
  return out;
}

/** Union of two window lists (each sorted and disjoint). */
function mergeWins(a: number[], b: number[]): number[] {
  const all = mergePairs(a, b);
  const out: number[] = [];
  for (let i = 0; i < all.length; i += 2) {
    const k = out.length;
    if (k && all[i]! <= out[k - 1]!) out[k - 1] = Math.max(out[k - 1]!, all[i + 1]!);
    else out.push(all[i]!, all[i + 1]!);
  }
  return out;
}
