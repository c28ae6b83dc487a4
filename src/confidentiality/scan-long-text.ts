// Attachments may be far longer than the guard library scans in one call (MAX_TEXT_LENGTH). They
// are scanned in overlapping windows cut at line ends, so that anything shorter than the overlap
// is seen whole by at least one window; the findings are moved back to the text's offsets and
// same-type findings that overlap (one seen cut at a window's edge) are merged into one span.
// Between windows the event loop gets a turn, so a long attachment does not stall other requests.
import { MAX_TEXT_LENGTH, type Finding } from '../guard/index.ts';
import { UserError } from '../shared/errors.ts';

/** The scan took longer than the request may (GUARD_TIME_LIMIT_MS): 422, the draft is not checked. */
export class GuardTimeLimitError extends UserError {
  override name = 'GuardTimeLimitError';
  constructor(limitMs: number) {
    super(`Checking this post for confidential information took longer than ${Math.round(limitMs / 100) / 10} s, so it was stopped. Shorten the attachments, or spread them over several posts.`, 422, 'attachments');
  }
}

export const WINDOW = 60_000;
export const OVERLAP = 4_000;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Where to end a window that starts at `start`: after the last line end in its second half, else whitespace, else the hard limit. */
function cutPoint(text: string, start: number, hardEnd: number): number {
  const floor = start + (hardEnd - start) / 2;
  const nl = text.lastIndexOf('\n', hardEnd - 1);
  if (nl >= floor) return nl + 1;
  for (let i = hardEnd - 1; i >= floor; i--) if (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) return i + 1;
  const c = text.charCodeAt(hardEnd - 1);
  return c >= 0xd800 && c <= 0xdbff ? hardEnd - 1 : hardEnd; // never split a surrogate pair
}

/** Same-type findings that overlap become one span (highest confidence, its reason). */
export function mergeOverlapping(findings: Finding[]): Finding[] {
  const sorted = findings.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  const lastOfType = new Map<string, Finding>();
  for (const f of sorted) {
    const last = lastOfType.get(f.type);
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (f.confidence > last.confidence) Object.assign(last, { confidence: f.confidence, reason: f.reason });
      continue;
    }
    const copy = { ...f };
    out.push(copy);
    lastOfType.set(f.type, copy);
  }
  return out;
}

/** Scans `text` of any length with `scan` (which accepts at most MAX_TEXT_LENGTH code units); past `deadline` (epoch ms) GuardTimeLimitError. */
export async function scanLongText(text: string, scan: (window: string) => Finding[], deadline = Infinity): Promise<Finding[]> {
  const limitMs = deadline - Date.now();
  if (text.length <= MAX_TEXT_LENGTH) return scan(text);
  const found: Finding[] = [];
  let start = 0;
  for (;;) {
    const end = start + WINDOW >= text.length ? text.length : cutPoint(text, start, start + WINDOW);
    for (const f of scan(text.slice(start, end))) found.push({ ...f, start: f.start + start, end: f.end + start });
    if (end >= text.length) break;
    // The next window starts at least OVERLAP before this one's end, at a line start when it can.
    const back = Math.max(start + 1, end - OVERLAP);
    const lineStart = text.lastIndexOf('\n', back - 1) + 1;
    start = lineStart > start && end - lineStart < WINDOW / 2 ? lineStart : back;
    await nextTick();
    if (Date.now() > deadline) throw new GuardTimeLimitError(limitMs);
  }
  return mergeOverlapping(found);
}
