/**
 * Context words (English and Dutch) and a Presidio-like score enhancer that looks
 * both before AND after a candidate span.
 *
 * Presidio adds 0.35 when one of the 5 words before a match is a context word, never
 * leaving the score below 0.4. We do the same in both directions (the words after a
 * match carry as much information: "06-12345678 (mobiel)", "Jan Jansen belde"), and
 * also support negative context ("order", "ticket", "versie") that lowers a score.
 */

export interface ContextSpec {
  /** Context words/phrases that make the candidate more likely. Matched on lowercased, accent-folded text. */
  positive?: RegExp;
  /** Words that make it less likely (e.g. "order" before a long number). */
  negative?: RegExp;
  /** Words before the span to look at (default 5). */
  wordsBefore?: number;
  /** Words after the span to look at (default 4). */
  wordsAfter?: number;
  /** Added on positive context (default 0.35). */
  boost?: number;
  /** Subtracted on negative context (default 0.35). */
  penalty?: number;
  /** Score never below this after a positive match (default 0.4). */
  floor?: number;
  /** Do not look across sentence boundaries (". " before a capital, "?", "!", blank line). Default true. */
  sentence?: boolean;
}

const ABBREV = /(?:^|[\s(])(?:mr|mrs|ms|dr|dhr|mw|mevr|st|nr|no|tel|mob|ca|bijv|e\.g|i\.e|vs|jr|sr)$/i;
const BOUNDARY = /[.!?;](?=\s)|\n|[\u2022•|]/g;

/** Cut a window before a position to the current sentence. */
export function sentenceTail(s: string): string {
  let cut = -1;
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(s); m; m = BOUNDARY.exec(s)) {
    if (m[0] === '.' && ABBREV.test(s.slice(Math.max(0, m.index - 6), m.index))) continue;
    cut = m.index + 1;
  }
  return cut < 0 ? s : s.slice(cut);
}
/** Cut a window after a position to the current sentence. */
export function sentenceHead(s: string): string {
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(s); m; m = BOUNDARY.exec(s)) {
    if (m[0] === '.' && ABBREV.test(s.slice(Math.max(0, m.index - 6), m.index))) continue;
    return s.slice(0, m.index);
  }
  return s;
}

export interface ContextResult {
  score: number;
  positive?: string;
  negative?: string;
}

/** Text of the `n` whitespace-separated words before `pos` (at most `maxChars`). */
export function wordsBefore(text: string, pos: number, n: number, maxChars = 80): string {
  return text.slice(wordsBeforeStart(text, pos, n, maxChars), pos);
}

/**
 * fold(wordsBefore(text, pos, n, maxChars)), cut from `lower` = fold(text) at the same offsets
 * (fold maps each UTF-16 unit on its own, so a slice of the folded text is the folded slice).
 */
export function foldedWordsBefore(text: string, lower: string, pos: number, n: number, maxChars = 80): string {
  return lower.slice(wordsBeforeStart(text, pos, n, maxChars), pos);
}

function wordsBeforeStart(text: string, pos: number, n: number, maxChars: number): number {
  const lo = Math.max(0, pos - maxChars);
  let i = pos;
  let words = 0;
  let inWord = false;
  while (i > lo) {
    const c = text.charCodeAt(i - 1);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (space) {
      if (inWord) {
        words++;
        inWord = false;
        if (words >= n) break;
      }
    } else inWord = true;
    i--;
  }
  return i;
}

/** Text of the `n` whitespace-separated words after `pos` (at most `maxChars`). */
export function wordsAfter(text: string, pos: number, n: number, maxChars = 80): string {
  const hi = Math.min(text.length, pos + maxChars);
  let i = pos;
  let words = 0;
  let inWord = false;
  while (i < hi) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (space) {
      if (inWord) {
        words++;
        inWord = false;
        if (words >= n) break;
      }
    } else inWord = true;
    i++;
  }
  return text.slice(pos, i);
}

/**
 * Lowercase and remove diacritics ("één" → "een"), preserving length (one UTF-16 unit in,
 * one out), so that offsets found in folded text are offsets in the original.
 */
const FOLDED = new Uint16Array(65536); // per UTF-16 unit: folded unit + 1, 0 = not computed yet
export function fold(s: string): string {
  const lower = s.toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (lower.length === s.length && /^[\x00-\x7f]*$/.test(lower)) return lower;
  // Built in a typed array and turned into a string at once, so the result is flat (fast charCodeAt),
  // with a per-code-unit table instead of a toLowerCase/normalize call per character.
  const out = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      out[i] = c >= 65 && c <= 90 ? c + 32 : c;
      continue;
    }
    let f = FOLDED[c]!;
    if (f === 0) {
      const l = String.fromCharCode(c).toLowerCase().normalize('NFD');
      f = (l.length >= 1 && l.charCodeAt(0) < 0xd800 && !(c >= 0xd800 && c <= 0xdfff) ? l.charCodeAt(0) : c) + 1;
      FOLDED[c] = f;
    }
    out[i] = f - 1;
  }
  if (out.length <= 8192) return String.fromCharCode.apply(null, out as unknown as number[]);
  let r = '';
  for (let i = 0; i < out.length; i += 8192) r += String.fromCharCode.apply(null, out.subarray(i, i + 8192) as unknown as number[]);
  return r;
}

/**
 * Score a candidate: base score adjusted by context before and after the span.
 * `lower` (fold(text), as the scan state holds it) saves folding the context windows again.
 */
export function enhance(text: string, start: number, end: number, base: number, spec: ContextSpec, lower?: string): ContextResult {
  let rawBefore = wordsBefore(text, start, spec.wordsBefore ?? 5);
  let rawAfter = wordsAfter(text, end, spec.wordsAfter ?? 4);
  if (spec.sentence !== false) {
    rawBefore = sentenceTail(rawBefore);
    rawAfter = sentenceHead(rawAfter);
  }
  // sentenceTail keeps a suffix and sentenceHead a prefix: the same offsets in the folded text.
  const before = lower !== undefined ? lower.slice(start - rawBefore.length, start) : fold(rawBefore);
  const after = lower !== undefined ? lower.slice(end, end + rawAfter.length) : fold(rawAfter);
  const window = before + ' \u0000 ' + after;
  let score = base;
  const res: ContextResult = { score };
  if (spec.positive) {
    const m = spec.positive.exec(window);
    if (m) {
      score = Math.max(score + (spec.boost ?? 0.35), spec.floor ?? 0.4);
      res.positive = m[0].trim();
    }
  }
  if (spec.negative) {
    const m = spec.negative.exec(window);
    if (m) {
      score -= spec.penalty ?? 0.35;
      res.negative = m[0].trim();
    }
  }
  res.score = Math.max(0, Math.min(1, score));
  return res;
}

/** Build a word-boundary regex from a list of words/phrases (already lowercase, accent-free). */
export function wordsRegex(words: readonly string[]): RegExp {
  const esc = words
    .slice()
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${esc.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

/** Context words per finding type, English + Dutch. */
export const CONTEXT = {
  phone: wordsRegex([
    'phone', 'telephone', 'tel', 'mobile', 'cell', 'desk', 'office', 'landline', 'fax', 'callback', 'call back', 'ph', 'mob', 'tel.', 'hotline', 'extension', 'ext', 'number', 'call', 'called', 'calling', 'ring', 'rang', 'text', 'sms', 'whatsapp', 'reach', 'dial', 'dialled', 'dialed', 'contact',
    'telefoon', 'telefoonnummer', 'mobiel', 'mobiele', 'nummer', 'bel', 'bellen', 'belde', 'gebeld', 'terugbellen', 'bereikbaar', 'op nummer', 'sms', 'nr',
  ]),
  phoneNegative: wordsRegex([
    'kvk', 'coc', 'chamber of commerce', 'btw', 'vat', 'btw-nummer', 'bsn', 'rsin', 'iban', 'order', 'ordernummer', 'bestelling', 'bestelnummer', 'ticket', 'case', 'invoice', 'factuur', 'factuurnummer', 'tracking', 'track', 'version', 'versie', 'build', 'serial', 'serienummer', 'ip', 'ref', 'reference', 'referentie', 'kenmerk', 'zaaknummer', 'dossiernummer', 'imei', 'sku', 'artikelnummer', 'model', 'firmware', 'error', 'foutcode', 'code',
  ]),
  card: wordsRegex([
    'card', 'credit card', 'creditcard', 'debit card', 'debitcard', 'visa', 'mastercard', 'amex', 'american express', 'maestro', 'kaart', 'kaartnummer', 'card number', 'pas', 'betaalpas', 'pasnummer', 'cc', 'charged', 'expiry', 'cvc', 'cvv',
  ]),
  cardNegative: wordsRegex([
    'serial', 'serial number', 'sn', 's/n', 'imei-nummer', 'order', 'ordernummer', 'bestelnummer', 'ticket', 'tracking', 'track', 'invoice', 'factuur', 'imei', 'serial', 'serienummer', 'ref', 'reference', 'referentie', 'zaaknummer', 'kenmerk',
  ]),
  iban: wordsRegex(['iban', 'account', 'bank', 'rekening', 'rekeningnummer', 'bankrekening', 'refund', 'terugbetaling', 'storting', 'incasso', 'direct debit', 'overmaken', 'transfer']),
  customerNumber: wordsRegex([
    'customer number', 'customer no', 'customer id', 'customer', 'client number', 'account number', 'account no', 'account id', 'account', 'contract number', 'contract no', 'contract', 'subscription number', 'subscription id', 'membership number', 'member number',
    'klantnummer', 'klant-id', 'klantnr', 'klant', 'contractnummer', 'contractnr', 'abonnementsnummer', 'abonnement', 'lidnummer', 'relatienummer', 'accountnummer', 'account-id',
  ]),
  contractDate: wordsRegex([
    'contract ends', 'contract end', 'contract expires', 'contract runs', 'contract will end', 'end date', 'ending date', 'expiry date', 'expires', 'expire', 'expiring', 'renewal', 'renewal date', 'renews', 'renew', 'renewed', 'auto-renews', 'minimum term', 'notice period', 'cancel before', 'cancellation date', 'ends on', 'runs until', 'runs out', 'term ends', 'until', 'valid until', 'ends',
    'einddatum', 'loopt af', 'afloopt', 'liep af', 'verloopt', 'verlopen', 'verlengd', 'verlenging', 'verlengingsdatum', 'opzegtermijn', 'opzeggen voor', 'opzeggen', 'looptijd', 'loopt tot', 'loopt nog tot', 'tot en met', 'geldig tot', 'minimale looptijd', 'contractduur', 'eindigt', 'afloop',
  ]),
  contractAnchor: wordsRegex(['contract', 'contracts', 'abonnement', 'subscription', 'plan', 'term', 'looptijd', 'overeenkomst', 'bundel', 'bundle', 'membership', 'lidmaatschap', 'einddatum', 'end date', 'renewal', 'verlenging', 'verlengd', 'opzegtermijn', 'minimum term', 'notice period']),
  pricePlan: wordsRegex([
    'your', "you're", 'you are', 'you have', "you've", 'you pay', 'you get', 'you qualify', 'you are entitled', 'entitled', 'eligible', 'qualify', 'qualifies', 'switched you', 'moved you', 'upgraded you', 'give you', 'offer you', 'offered you', 'for you', 'on your account', 'your account', 'given you', 'gave you', 'sent you', 'as an apology', 'as compensation', 'als excuus', 'als compensatie', 'gegeven', 'toegevoegd', 'your plan', 'current plan', 'applied', 'activated', 'customer',
    'je', 'jij', 'jouw', 'u', 'uw', 'heeft u', 'heb je', 'zit je', 'zit u', 'recht op', 'aanspraak', 'komt in aanmerking', 'kom je in aanmerking', 'ontvangt u', 'krijg je', 'krijgt u', 'aangeboden', 'toegekend', 'geactiveerd', 'omgezet', 'klant',
  ]),
  pricePlanNegative: wordsRegex([
    'everyone', 'all customers', 'all our customers', 'new customers', 'available', 'now available', 'launch', 'launched', 'compare', 'website', 'announce', 'announcing', 'introducing', 'from today', 'starting',
    'iedereen', 'alle klanten', 'nieuwe klanten', 'beschikbaar', 'vergelijk', 'introduceren', 'lanceren', 'vanaf vandaag', 'website',
  ]),
  person: wordsRegex([
    'customer', 'client', 'caller', 'subscriber', 'account holder', 'called', 'phoned', 'rang', 'spoke with', 'spoke to', 'talked to', 'emailed', 'wrote', 'name', 'named', 'contact person', 'on behalf of', 'husband', 'wife', 'partner', 'son', 'daughter', 'mother', 'father',
    'klant', 'klanten', 'beller', 'abonnee', 'belde', 'gebeld', 'sprak', 'gesproken met', 'gesprek met', 'naam', 'genaamd', 'contactpersoon', 'namens', 'echtgenoot', 'echtgenote', 'zoon', 'dochter', 'moeder', 'vader', 'heeft gebeld', 'mailde',
  ]),
  personNegative: wordsRegex([
    'regards', 'kind regards', 'best regards', 'cheers', 'thanks', 'thank you', 'best wishes', 'warm regards', 'all the best', 'sincerely', 'yours', 'greetings', 'best', 'groetjes', 'hartelijke groet', 'vriendelijke groet', 'team', 'support team', 'community team', 'moderator', 'groet', 'groeten', 'met vriendelijke groet', 'mvg', 'gr', 'bedankt', 'dank', 'collega',
  ]),
} as const;
