/** Dates in the context of a customer's contract ("contract ends", "einddatum", "loopt af", ...). */
import type { Finding } from '../types.ts';
import { digitRuns, windows, type ScanState } from '../spans.ts';
import { findDates, type DateSpan } from '../dates.ts';
import { wordsBefore, wordsAfter, wordsRegex, sentenceTail, sentenceHead } from '../context.ts';

const STRONG = wordsRegex([
  'contract ends', 'contract end', 'contract expires', 'contract runs until', 'contract runs out', 'contract will end', 'contract ending', 'contract renews', 'contract end date',
  'end date', 'end-date', 'expiry date', 'renewal date', 'renews on', 'auto-renews', 'minimum term', 'notice period', 'cancellation deadline', 'term ends', 'subscription ends', 'subscription renews', 'plan ends', 'plan renews',
  'cancel before', 'cancel by', 'cancel until', 'cancel for free until', 'months are up', 'opzeggen kan tot', 'opzeggen tot', 'kosteloos opzeggen', 'opzeggen kan tot en met', 'runs out', 'runs out in', 'einddatum', 'loopt af', 'afloopt', 'liep af', 'loopt tot', 'loopt nog tot', 'verloopt', 'wordt verlengd', 'stilzwijgend verlengd', 'verlengingsdatum', 'opzegtermijn', 'opzeggen voor', 'minimale looptijd', 'looptijd', 'contract eindigt', 'abonnement eindigt', 'contract stopt', 'abonnement stopt', 'eind van je contract', 'eind van uw contract',
]);
const WEAK = wordsRegex(['ends', 'ending', 'end', 'expires', 'expiring', 'until', 'till', 'renews', 'renewal', 'started', 'starts', 'start date', 'signed', 'tot', 'tot en met', 'eindigt', 'geldig tot', 'verlengd', 'ingegaan', 'ingangsdatum', 'afgesloten', 'gestart', 'begon', 'op', 'on', 'since', 'sinds', 'per']);
const ANCHOR = wordsRegex(['contract', 'abonnement', 'subscription', 'plan', 'overeenkomst', 'bundel', 'bundle', 'membership', 'lidmaatschap', 'term', 'looptijd', 'sim only', 'sim-only']);
const PERSONAL = wordsRegex(['your', 'uw', 'je', 'jouw', 'his', 'her', 'their', 'zijn', 'haar', "customer's", 'klant', 'de klant', 'this customer', 'the customer', 'mevrouw', 'meneer', 'mr', 'mrs', 'ms']);
const GENERIC = wordsRegex(['new contracts', 'all contracts', 'all subscriptions', 'alle contracten', 'nieuwe contracten', 'alle abonnementen', 'release', 'released', 'outage', 'storing', 'maintenance', 'onderhoud', 'update', 'webinar', 'event', 'published', 'gepubliceerd', 'promotion', 'actie', 'campaign', 'launch', 'changelog', 'version', 'versie', 'everyone', 'iedereen']);

export interface ContractDateResult {
  findings: Finding[];
  dates: DateSpan[];
}

export function detectContractDates(st: ScanState): ContractDateResult {
  const { text, lower } = st;
  const runs = digitRuns(st);
  const dates = runs.length ? findDates(text, windows(text, runs, 16, 20)) : [];
  const findings: Finding[] = [];
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    // Windows stay within the sentence and stop at the neighbouring dates.
    const prevEnd = i > 0 ? dates[i - 1]!.end : 0;
    const nextStart = i + 1 < dates.length ? dates[i + 1]!.start : text.length;
    const clipB = (s: string) => sentenceTail(s.length > d.start - prevEnd ? s.slice(s.length - (d.start - prevEnd)) : s);
    const clipA = (s: string) => sentenceHead(s.slice(0, Math.max(0, nextStart - d.end)));
    // st.lower is fold(text), same length: windows cut from it need no folding of their own.
    const before = clipB(wordsBefore(lower, d.start, 8, 90));
    const after = clipA(wordsAfter(lower, d.end, 5, 50));
    const near = before + ' \u0000 ' + after;
    const wide = clipB(wordsBefore(lower, d.start, 16, 160)) + ' ' + after;
    let score = 0.15;
    let why = '';
    const strong = STRONG.exec(near);
    if (strong) {
      score = 0.85;
      why = `date near "${strong[0].replace(/\s+/g, ' ')}"`;
    } else {
      const anchor = ANCHOR.exec(wide);
      const weak = WEAK.exec(before.slice(-40));
      const personal = PERSONAL.exec(wide);
      if (anchor && weak && personal) {
        score = 0.75;
        why = `date near "${weak[0]}" with "${anchor[0]}"`;
      } else if (anchor && personal) {
        score = 0.55;
        why = `date in a sentence about a customer's ${anchor[0]}`;
      } else if (anchor && weak) {
        score = 0.35;
        why = `date near "${weak[0]}" with "${anchor[0]}"`;
      }
    }
    if (score >= 0.35 && GENERIC.test(wide) && !PERSONAL.test(near)) score -= 0.3;
    if (score > 0.2) findings.push({ type: 'contract_date', start: d.start, end: d.end, confidence: score, reason: why || 'date in a contract context', source: 'pattern' });
  }
  for (const d of dates) st.claims.add(d.start, d.end, 'date');
  return { findings, dates };
}
