/**
 * Person names by shape, gazetteer and context, in any script and case:
 *  - a span of name-like words (capitalised words, lower-case words that are known names and not
 *    common words, words of scripts without case such as Arabic or Chinese), with particles inside
 *    ("van der", "bin", "de la");
 *  - scored by what is known of its words (a known first name + surname is a name on its own; known
 *    names in lower case or unknown capitalised words need a cue) and by context both ways:
 *    self-introductions ("I'm", "my name is", "this is"), objects of contact verbs ("follow up with",
 *    "ask", "call", "belongs to"), verbs and possessives after ("wrote", "'s");
 *  - lists of first names ("Gaetane, Hannah and Anthony");
 *  - not names: words before a company form (LLC, GmbH, "and Sons"), a street type or a house number
 *    ("St. John Street", "Peter Zuidhove 188", "Russell Investments"), sign-offs.
 */
import { gazetteer, type Gazetteer } from '../gazetteer.ts';
import { CONTEXT, fold, sentenceTail } from '../context.ts';
import { isLetterOrDigitCode, isRegexSpace, wordTokens, wordRecords, type ScanState, type WordRecord } from '../spans.ts';

type Add = (s: number, e: number, conf: number, why: string) => void;

const CAP = /^\p{Lu}/u;
// Scripts without capitals (Arabic, Hebrew, CJK, Thai, Devanagari, ...), and Georgian, whose names are written in its lower-case letters.
const UNCASED = /^(?:\p{Lo}|\p{Script=Georgian})/u;
const PARTICLES = new Set(['van', 'de', 'der', 'den', 'von', 'da', 'di', 'du', 'la', 'le', 'del', 'della', 'dos', 'das', 'do', 'ter', 'ten', 'bin', 'ibn', 'bint', 'al', 'el', 'ben', 'abu', 'mac', 'y', 'zu', 'af', 'av', 'bat']);
const INTRO = /(?:\bi'?m|\bi\s+am|\bmy\s+name\s+is|\bname\s+is|\bthis\s+is|\bit'?s|\bnamed|\bgenaamd|\bheet|\bik\s+ben|\bname:|\bnaam:|\bcontact:|\bcustomer:?|\bclient:?|\bklant:?|\bfrom:|\bvan:|\bto:|\baan:|\bcc:|\bmr\.?|\bmrs\.?|\bms\.?|\bdr\.?)\s*$/;
const OBJECT = /(?:\bwith|\bask|\basked|\bcall|\bcalled|\bphone|\bring|\bemail|\be-mail|\bmail|\btell|\btold|\bcontact|\bcontacted|\bbelongs\s+to|\bbelonging\s+to|\bin\s+the\s+name\s+of|\bon\s+behalf\s+of|\bfor|\bby|\bremind|\bnotify|\bhelp|\bhelped|\bvisit|\bvisited|\bmet|\bmeet|\bpay|\bpaid|\bsend|\bsent|\bgave|\bgive|\bthank|\bcustomer|\bclient|\bsubscriber|\bholder|\bmet|\bvoor|\bnamens|\bbel|\bbellen|\bmail)\s*$/;
// Before a name written in lower case with no word of it known ("follow up with pəri tahirova", "I'm
// sondre larsen"): only cues that take a person; "with", "for" or "this is" take a thing as often ("with
// mesh wifi"), and so do the verbs of AFTER that are not about contact ("is", "has", "will").
const LOWER_INTRO = /(?:\bi'?m|\bi\s+am|\bmy\s+name\s+is|\bname\s+is|\bnamed|\bgenaamd|\bheet|\bik\s+ben|\bname:|\bnaam:)\s*$/;
// ("customer", "client" are left out: "customer retention", "client portal"; a customer who called is found by the verb.)
const LOWER_OBJECT = /(?:\bspoke\s+(?:with|to)|\btalked\s+(?:with|to)|\bspeak\s+(?:with|to)|\bfollow\s+up\s+with|\bcheck\s+with|\bask|\bcall|\bphone|\bring|\bemail|\be-mail|\btell|\bcontact|\bremind|\bnotify|\bthank|\bnamens|\bgesproken\s+met|\bbel|\bbellen)\s*$/;
const LOWER_AFTER = /^\s+(?:wrote|writes|called|calls|phoned|rang|emailed|e-mailed|said|says|asked|asks|told|complained|reported|mentioned|belde|mailde|schreef|vroeg|zei|klaagde)\b/;
// The last word of each of those cues before, and the verbs after: a word's class says at once whether a
// lower-case span of unknown words has one beside it, before any text is cut out and tested.
const LOWER_CUE_BEFORE = new Set(["i'm", "i’m", 'im', 'am', 'is', 'named', 'genaamd', 'heet', 'ben', 'name', 'naam', 'with', 'to', 'ask', 'call', 'phone', 'ring', 'email', 'e-mail', 'tell', 'contact', 'remind', 'notify', 'thank', 'namens', 'met', 'bel', 'bellen']);
const LOWER_VERB_AFTER = new Set(['wrote', 'writes', 'called', 'calls', 'phoned', 'rang', 'emailed', 'e-mailed', 'said', 'says', 'asked', 'asks', 'told', 'complained', 'reported', 'mentioned', 'belde', 'mailde', 'schreef', 'vroeg', 'zei', 'klaagde']);
const AFTER = /^(?:['’]s?\b|\s+(?:wrote|writes|called|calls|phoned|rang|emailed|e-mailed|said|says|asked|asks|told|complained|reported|mentioned|lives|lived|moved|has|had|is|was|will|would|needs|wants|tried|paid|belde|mailde|schreef|heeft|woont|vroeg|zei|klaagde))\b/;
const COMPANY_AFTER = /^\s*(?:,\s*)?(?:&|\+|and\s+(?:sons|partners|co)\b|(?:llc|l\.l\.c|ltd|limited|inc|corp|corporation|company|co|group|holding|holdings|gmbh|ag|kg|bv|b\.v|nv|n\.v|sa|s\.a|sas|sarl|srl|s\.r\.l|spa|s\.p\.a|oy|oyj|ab|as|a\.s|plc|s\.r\.o|v\.o\.s|k\.s|e\.k|ug|kft|zrt|sp|d\.o\.o|ltda|s\.l|sl|pty|investments?|partners|associates|consulting|bank|insurance|motors|foods|systems|solutions|services|technologies|hotel|restaurant|cafe|café|shop|store|stores|street|st|road|rd|avenue|ave|lane|ln|drive|dr|square|place|boulevard|blvd|way|close|court|straat|laan|weg|plein|gracht|kade|strasse|straße|platz|gasse|allee|ulica|utca|katu|gatan|vej|gade|airport|station|school|university|college|church|hospital|park|bridge|hall|house|building|tower|centre|center)\b)/;
const STREET_BEFORE = /(?:\bst\.?|\bsaint|\bsankt|\bsint|\bsan|\bsanta|\brue|\bavenue|\bav\.?|\bavenida|\brua|\bvia|\bcalle|\bplace|\bboulevard|\bpiazza|\bulica|\bplatz|\bstraße|\bstreet|\bon|\bat|\bnear|\balong|\bof)\s*$/;
const NUMBER_AFTER = /^\s+\d/;
// A staff signature ("Best wishes, Anna Smit, moderator"): the community's own people, not customers.
const STAFF_AFTER = /^\s*[,(–-]\s*(?:moderator|community\s+(?:team|manager)|support|team|agent|admin|staff|employee|engineer|customer\s+service|klantenservice|medewerker)\b/;
const PEOPLE_CUE = /\b(?:people|persons|kids|children|family|members|users|guests|invited|attendees|sons|daughters|names|employees|colleagues|friends|housemates|flatmates|household|kinderen|gezin|leden|gebruikers|personen|on\s+(?:the|this|our|my|their)\s+(?:account|contract|plan|bundle|subscription))\b[^.!?\n]*$/;
// The same cue right before a list ("users on this account: …", "the kids (…", "family members …"): its
// items are names even when none of them is in a name list (Günay, Nurlan and Anar; אילנה, רותם and עמיחי).
const PEOPLE_CUE_AT_LIST = /\b(?:people|persons|kids|children|members|users|guests|attendees|sons|daughters|names|employees|colleagues|friends|housemates|flatmates|household|kinderen|gezin|leden|gebruikers|personen|on\s+(?:the|this|our|my|their)\s+(?:account|contract|plan|bundle|subscription))\s*(?:(?:are|were|zijn|waren)\s+)?[:(]?\s*$/;
const CONJ = new Set(['and', 'en', 'und', 'et', 'y', 'e', 'og', 'och', 'i', 'a', 've', 'és', 'ja', 'и', 'or', 'of']);

/** A word of the text: where it is, and its class (the shared per-word record's, not copied). */
interface Tok {
  s: number;
  e: number;
  w: WordClass;
}

interface WordInfo {
  known: boolean;
  first: boolean;
  common: boolean;
  particle: boolean;
  hard: boolean;
  structural: boolean;
  /** A conjunction that may join a list of names ("and", "en"): CONJ.has(lc), asked for every word. */
  conj: boolean;
  /** The last word of a cue for a name in lower case before it (LOWER_CUE_BEFORE), or a verb for one after it (LOWER_VERB_AFTER). */
  lowerCueBefore: boolean;
  lowerVerbAfter: boolean;
}
// Per lower-case word: what the gazetteer says (words repeat across posts; bounded).
const INFO = new Map<string, WordInfo>();

function wordInfo(g: Gazetteer, lc: string): WordInfo {
  let i = INFO.get(lc);
  if (i) return i;
  const f = fold(lc);
  const known = g.names.has(lc) || g.names.has(f);
  const first = g.first.has(lc) || g.first.has(f);
  const common = g.common.has(lc) || g.common.has(f);
  // Contractions ("I'm", "it's", "don't") are not names; O'Brien and D'Angelo are.
  const hard = g.hard.has(lc) || g.hard.has(f) || (/['’](?:m|s|t|re|ll|ve|d)$/.test(lc) && !/^\p{L}['’]/u.test(lc));
  const structural = hard && (g.structural.has(lc) || g.structural.has(f) || /['’]/.test(lc));
  i = { known, first, common, particle: PARTICLES.has(lc), hard, structural, conj: CONJ.has(lc), lowerCueBefore: LOWER_CUE_BEFORE.has(lc), lowerVerbAfter: LOWER_VERB_AFTER.has(lc) };
  if (INFO.size > 200_000) INFO.clear();
  INFO.set(lc, i);
  return i;
}

// Per word as written: its lower-case form, kind and what the gazetteer says (words repeat across
// posts; bounded), so a token costs one map look-up instead of a case conversion and regex tests.
export interface WordClass extends WordInfo {
  lc: string;
  kind: 'cap' | 'lower' | 'uncased';
  /** Written in capitals throughout, two letters or more (IBAN, PIN, SIM). */
  upper: boolean;
  /** nameLikeClass(this, true) and (…, false): asked for every token, they depend on the word alone. */
  like0: boolean;
  likeN: boolean;
}

function wordClass(raw: string): WordClass {
  const lc = raw.toLowerCase();
  const c = raw.charCodeAt(0);
  const kind = c >= 65 && c <= 90 ? 'cap' : c >= 97 && c <= 122 ? 'lower' : CAP.test(raw) ? 'cap' : UNCASED.test(raw) ? 'uncased' : 'lower';
  const w: WordClass = { lc, kind, upper: raw.length > 1 && raw !== lc && raw === raw.toUpperCase(), ...wordInfo(gazetteer(), lc), like0: false, likeN: false };
  w.like0 = nameLikeClass(w, true);
  w.likeN = nameLikeClass(w, false);
  return w;
}

/**
 * Token objects reused from scan to scan (a scan is synchronous and keeps no token after it returns):
 * a new object per word of every post was a large share of what the guard allocated. A token points at
 * its word's class, kept on the word's shared record (spans.ts wordRecords: looked up once per word,
 * while the words are found).
 */
const TOK_POOL: Tok[] = [];
function classify(rec: WordRecord, s: number, e: number, k: number): Tok {
  const w = (rec.cls ??= wordClass(rec.word));
  let t = TOK_POOL[k];
  if (t === undefined) {
    t = { s, e, w };
    TOK_POOL.push(t);
    return t;
  }
  t.s = s;
  t.e = e;
  t.w = w;
  return t;
}

/**
 * Where PEOPLE_CUE's match must start within lower[a, b): after the last ".", "!" or "?" (neither its
 * cue words nor the rest of its sentence hold one), so the pattern is tried on that stretch only.
 */
function sentenceStart(lower: string, a: number, b: number): number {
  for (let k = b - 1; k >= a; k--) {
    const c = lower.charCodeAt(k);
    if (c === 46 || c === 33 || c === 63) return k + 1;
  }
  return a;
}

/** True when text[a, b) holds a comma (a cheap test before the list regexes). */
function gapMayContinueList(text: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) if (text.charCodeAt(k) === 44) return true;
  return false;
}

/** Can a word of this class be part of a name span (as its first word, or a later one)? */
function nameLikeClass(w: WordClass, first: boolean): boolean {
  if (w.structural && !w.particle) return false;
  if (w.kind === 'uncased') return !w.hard;
  if (w.kind === 'cap') {
    if (w.lc.length < 2) return false;
    if (!w.common) return true;
    // A frequent word that is also a name may start one ("Will Smith", "Joshua …") or end one as a surname ("Dario White").
    return first ? w.first || (w.known && !w.hard) : w.known;
  }
  // Lower case: a known name to start; after it known names (even frequent words: "sofia ross") or unknown words.
  // (Unknown words to start: lowerNamesByCue.)
  if (w.lc.length < 2 || w.hard) return false;
  return first ? w.first || (w.known && !w.common) : w.known || !w.common;
}

/** Can this token be part of a name span (at position `pos` in the span)? */
function nameLike(t: Tok, pos: number): boolean {
  return pos === 0 ? t.w.like0 : t.w.likeN;
}

// Right before a name: a place preposition ("the shop on …", "traffic near …", "our contact at …").
// (As /(?:^|\s)(?:on|near|…)\s+$/ would find it, read backwards: the last whitespace-delimited word, then spaces to the end.)
const PLACE_BEFORE = new Set(['on', 'near', 'along', 'at', 'opposite', 'behind', 'via', 'across', 'langs', 'aan', 'bij', 'nabij', 'op']);
const WORD_AFTER = /^\s+([\p{L}\p{M}]+)/u;

/**
 * True when the span names a street, a place of business or a company rather than a person: a street
 * or company word right before or after it ("Rua Padre …", "Pirie Street", "주식회사 …", "Spencer Corp"),
 * a place preposition before it, a house number after it.
 */
export function placeOrCompany(st: ScanState, s: number, e: number): boolean {
  const g = gazetteer();
  const before = st.lower.slice(Math.max(0, s - 40), s);
  const after = st.lower.slice(e, e + 40);
  // The word right before (a backwards scan: an end-anchored pattern tries every position).
  let k = before.length;
  while (k > 0 && isRegexSpace(before.charCodeAt(k - 1))) k--;
  const wEnd = k;
  // The whitespace-delimited word before the trailing spaces (for PLACE_BEFORE).
  let j = wEnd;
  while (j > 0 && !isRegexSpace(before.charCodeAt(j - 1))) j--;
  const placeBefore = wEnd < before.length && wEnd - j <= 8 && PLACE_BEFORE.has(before.slice(j, wEnd));
  while (k > 0 && (isLetterOrDigitCode(before.charCodeAt(k - 1)) || before[k - 1] === '.')) k--;
  const wb = wEnd < before.length && wEnd > k ? before.slice(k, wEnd).replace(/\.$/, '') : undefined;
  const wa = WORD_AFTER.exec(after)?.[1];
  if (wb && g.place.has(wb) && !/^\p{Ll}/u.test(st.text.charAt(s - before.length + before.lastIndexOf(wb)))) return true;
  if (wa && g.place.has(wa)) return true;
  if (placeBefore) return true;
  if (COMPANY_AFTER.test(after) || NUMBER_AFTER.test(after)) return true;
  return false;
}

/** Scratch for a candidate span's words (a scan is synchronous). */
const WORDS: Tok[] = [];
/** Every one of words[0, n) is a known name and no frequent word. */
function allKnownRare(words: readonly Tok[], n: number): boolean {
  for (let q = 0; q < n; q++) if (!words[q]!.w.known || words[q]!.w.common) return false;
  return true;
}

export function detectPersonsByModel(st: ScanState, add: Add): void {
  const { text, lower } = st;
  const g = gazetteer();
  const ws = wordTokens(st);
  const recs = wordRecords(st);
  // The tokens are TOK_POOL[0, nt) (reused objects: entries past nt are an earlier scan's).
  const nt = ws.length >> 1;
  for (let i = 0; i < ws.length; i += 2) classify(recs[i >> 1]!, ws[i]!, ws[i + 1]!, i >> 1);
  const toks = TOK_POOL;
  const tok = (i: number): Tok | undefined => (i < nt ? toks[i] : undefined);
  const before = (s: number) => sentenceTail(lower.slice(Math.max(0, s - 40), s));
  const after = (e: number) => lower.slice(e, e + 40);
  const sep = (a: Tok, b: Tok) => text.slice(a.e, b.s);
  // text.slice(a, b) === ' ' without cutting out the gap (asked for every word of a name-like span).
  const oneSpace = (a: number, b: number) => b - a === 1 && text.charCodeAt(a) === 32;

  // Lists of first names: two or more known first names among items separated by commas and a final "and".
  for (let i = 0; i < nt; i++) {
    // Pre-filter: a list goes on only over a comma or a conjunction (as the loop below requires).
    const n1 = tok(i + 1);
    if (!n1 || (!n1.w.conj && !gapMayContinueList(text, toks[i]!.e, n1.s))) continue;
    const items: Tok[] = [toks[i]!];
    let j = i;
    for (;;) {
      const nx = tok(j + 1);
      if (!nx) break;
      const gap = sep(toks[j]!, nx);
      if (/^\s*,\s*$/.test(gap)) {
        items.push(nx);
        j++;
      } else if (nx.w.conj && /^\s*,?\s+$/.test(gap) && tok(j + 2) && /^\s+$/.test(sep(nx, toks[j + 2]!))) {
        items.push(toks[j + 2]!);
        j += 2;
        break;
      } else break;
    }
    if (items.length >= 2) {
      const firsts = items.filter((t) => t.w.first && (t.w.kind !== 'lower' || !t.w.common) && !(t.w.kind === 'cap' && t.w.common && !t.w.known));
      // placeOrCompany (the costlier test, asked of most "word, word" pairs) only for a list that
      // would otherwise be reported: its words decide first.
      const firstNames = firsts.length >= 2 && firsts.length >= items.length - 1;
      const listOk =
        (firstNames ||
          (items.every((t) => t.w.kind !== 'lower' && nameLike(t, 0)) &&
            (items.some((t) => t.w.known) || PEOPLE_CUE_AT_LIST.test(lower.slice(Math.max(0, items[0]!.s - 50), items[0]!.s))))) &&
        !placeOrCompany(st, items[0]!.s, items[items.length - 1]!.e);
      if (listOk && firstNames) {
        for (const t of items) if (nameLike(t, 0) || t.w.first) add(t.s, t.e, 0.6, 'first name in a list of first names');
      } else if (listOk && !firstNames && PEOPLE_CUE.test(lower.slice(sentenceStart(lower, Math.max(0, items[0]!.s - 60), items[0]!.s), items[0]!.s))) {
        // A list introduced as people ("the kids (…)", "family members …", "users on this account: …").
        for (const t of items) add(t.s, t.e, 0.55, 'name in a list of people');
      }
      i = j;
    }
  }

  // A candidate span is toks[startAt, startAt + spanLen); its words without the particles are WORDS[0, nw).
  const words = WORDS;
  for (let i = 0; i < nt; i++) {
    if (!nameLike(toks[i]!, 0) || toks[i]!.w.particle) continue;
    const startAt = i;
    // Extend over single spaces, particles inside.
    let spanLen = 1;
    let j = i;
    while (j + 1 < nt && spanLen < 6) {
      if (!oneSpace(toks[j]!.e, toks[j + 1]!.s)) break;
      const nt1 = toks[j + 1]!;
      // One kind per span: capitalised words (particles inside), lower-case words, or words without case.
      if (nt1.w.kind !== toks[i]!.w.kind && !(nt1.w.particle && toks[i]!.w.kind === 'cap')) break;
      if (nt1.w.particle) {
        spanLen++;
        j++;
        continue;
      }
      if (!nameLike(nt1, spanLen)) break;
      spanLen++;
      j++;
    }
    while (spanLen > 1 && toks[startAt + spanLen - 1]!.w.particle) spanLen--;
    const last = toks[startAt + spanLen - 1]!;
    // The word right after the span is a street type or company form: a street or company named after a person.
    const next = tok(startAt + spanLen);
    const nextHard = next !== undefined && oneSpace(last.e, next.s) && next.w.hard && !next.w.particle && next.w.kind !== 'lower';
    let nw = 0;
    for (let q = startAt; q < startAt + spanLen; q++) if (!toks[q]!.w.particle) words[nw++] = toks[q]!;
    if (nw >= 2 || (nw === 1 && startAt > 0 && toks[startAt - 1]!.w.particle)) {
      // With the particles written before it ("de vries jan"): register names keep them.
      let k = startAt;
      while (k > 0 && startAt - k < 2 && toks[k - 1]!.w.particle && oneSpace(toks[k - 1]!.e, toks[k]!.s)) k--;
      if (nw + (startAt - k) >= 2) (st.nameSpans ??= []).push(toks[k]!.s, last.e);
    }
    // On success go on after the span; otherwise try again from its second word ("I'm Nicole Barrows").
    i = startAt;
    // Spans that cannot score whatever their context, rejected before the context is read (most
    // capitalised words are a sentence's first word: "Thanks", "Have").
    const w0 = words[0]!;
    if (w0.w.kind === 'uncased' ? nw > 4 : nw >= 2 ? w0.w.kind !== 'cap' && !w0.w.first && !allKnownRare(words, nw) : !w0.w.first || w0.w.common) continue;
    const s = toks[startAt]!.s;
    const e = last.e;
    const b = before(s);
    const a = after(e);
    // Spans other detectors already found (price plans, addresses, ...) are theirs.
    if (st.findings.some((f) => f.start < e && s < f.end)) continue;
    if (nextHard || COMPANY_AFTER.test(a) || NUMBER_AFTER.test(a) || STAFF_AFTER.test(a)) continue;
    if (STREET_BEFORE.test(b) && /\b(?:st\.?|saint|sankt|sint|rue|avenue|av\.?|avenida|rua|via|calle|place|boulevard|piazza|ulica|platz)\s*$/.test(b)) continue;
    const intro = INTRO.test(b);
    const object = !intro && OBJECT.test(b);
    const verbAfter = AFTER.test(a);
    const cue = intro || object || verbAfter;
    const t0 = words[0]!;
    const n = nw;
    let score = 0;
    let why = '';
    if (t0.w.kind === 'uncased') {
      if (n > 4) continue;
      let known = false;
      for (let q = 0; q < nw; q++) known ||= words[q]!.w.known;
      score = (cue ? 0.55 : 0.1) + (known ? 0.2 : 0);
      why = 'name in a script without capitals' + (cue ? ' after a cue' : '');
    } else if (n >= 2) {
      let restKnown = true;
      for (let q = 1; q < nw; q++) restKnown &&= words[q]!.w.known;
      if (t0.w.kind === 'cap') {
        if (t0.w.first && !t0.w.common) score = 0.55;
        else if (t0.w.first && restKnown) score = 0.5;
        else if (restKnown && t0.w.known) score = 0.35;
        else score = 0.15;
        if (cue) score += 0.35;
        why = t0.w.first ? 'first name and surname' : 'capitalised name';
      } else {
        // lower case: a known name first (nameLike checked that); unknown words after it only after a first name
        if (!t0.w.first && !allKnownRare(words, nw)) continue;
        score = t0.w.first ? 0.35 : 0.25;
        if (cue) score += 0.35;
        why = 'known names in lower case';
      }
    } else {
      // One word: a known first name introduced or acted on. Alone in capitals it is an acronym
      // ("my IBAN is", "the PIN is": Iban and Pin are first names too), not a name.
      if (!t0.w.first || t0.w.common || t0.w.upper) continue;
      if (intro || verbAfter) score = 0.55;
      else continue;
      why = 'first name';
    }
    const neg = CONTEXT.personNegative.exec(b.split(/\s+/).slice(-4).join(' '));
    if (neg) score -= 0.4;
    if (score < 0.4) continue;
    // Checked last (it is the costlier test): a street or company named after a person.
    if (placeOrCompany(st, s, e)) {
      // The whole span names a street or company: none of its words is tried again as a name.
      i = startAt + spanLen - 1;
      continue;
    }
    add(s, e, Math.min(0.9, score), `${why}${cue ? ' (context)' : ''}`);
    i = startAt + spanLen - 1;
  }
  lowerNamesByCue(st, toks, nt, add);
}

/** A lower-case word of no frequent use that may be part of a name ("pəri", "tahirova"). */
const lowerRare = (t: Tok): boolean => t.w.kind === 'lower' && !t.w.common && !t.w.hard && !t.w.particle && t.w.lc.length >= 2;

/**
 * Names in lower case that no name list knows ("follow up with pəri tahirova", "I'm sondre larsen", "jelita
 * yuniar wrote to us"): two to four rare lower-case words in a row, right after a cue that takes a person
 * (LOWER_INTRO, LOWER_OBJECT) or right before a contact verb (LOWER_AFTER). Found from those cue words (few
 * in a post), not by trying every rare word: most are a thing's name ("mesh wifi", "powerline adapters").
 * A span that starts with a known name is the main loop's. Not looked up in the customer register.
 */
function lowerNamesByCue(st: ScanState, toks: readonly Tok[], nt: number, add: Add): void {
  const { text, lower } = st;
  const oneSpace = (a: number, b: number) => b - a === 1 && text.charCodeAt(a) === 32;
  const tryRun = (from: number, to: number) => {
    // toks[from, to] (inclusive): the run's words; 2–4 of them, the first no known name.
    const n = to - from + 1;
    if (n < 2 || n > 4) return;
    const t0 = toks[from]!;
    if (t0.w.first || t0.w.known) return;
    const s = t0.s;
    const e = toks[to]!.e;
    if (st.findings.some((f) => f.start < e && s < f.end)) return;
    const b = sentenceTail(lower.slice(Math.max(0, s - 40), s));
    const a = lower.slice(e, e + 40);
    if (!(LOWER_INTRO.test(b) || LOWER_OBJECT.test(b) || LOWER_AFTER.test(a))) return;
    if (COMPANY_AFTER.test(a) || NUMBER_AFTER.test(a) || STAFF_AFTER.test(a)) return;
    if (CONTEXT.personNegative.exec(b.split(/\s+/).slice(-4).join(' '))) return;
    if (placeOrCompany(st, s, e)) return;
    add(s, e, 0.6, 'name in lower case after a cue');
  };
  for (let k = 0; k < nt; k++) {
    const t = toks[k]!;
    if (t.w.lowerCueBefore && k + 1 < nt && toks[k + 1]!.s - t.e <= 3 && lowerRare(toks[k + 1]!)) {
      // The longest run of rare lower-case words after the cue word.
      let j = k + 1;
      while (j + 1 < nt && j - k < 5 && lowerRare(toks[j + 1]!) && oneSpace(toks[j]!.e, toks[j + 1]!.s)) j++;
      tryRun(k + 1, j);
    }
    if (t.w.lowerVerbAfter && k > 0 && lowerRare(toks[k - 1]!) && oneSpace(toks[k - 1]!.e, t.s)) {
      let j = k - 1;
      while (j > 0 && k - j < 5 && lowerRare(toks[j - 1]!) && oneSpace(toks[j - 1]!.e, toks[j]!.s)) j--;
      tryRun(j, k - 1);
    }
  }
}
