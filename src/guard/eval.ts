/**
 * Evaluation of the guard against a labelled JSONL corpus: one line per example,
 * {"text": "...", "entities": [{"type": "...", "start": n, "end": n}]}, offsets in UTF-16.
 * Matching is by overlap per type: a gold span is found when a prediction of the same type
 * overlaps it (recall); a prediction is correct when it overlaps a gold span of its type
 * (precision). Gold type names can be mapped (e.g. PHONE_NUMBER=phone) for foreign corpora.
 */
import type { Finding } from './types.ts';

export interface LabelledEntity {
  type: string;
  start: number;
  end: number;
}
export interface LabelledExample {
  text: string;
  entities: LabelledEntity[];
}

export interface TypeScore {
  type: string;
  gold: number;
  predicted: number;
  goldFound: number;
  predictedCorrect: number;
  precision: number;
  recall: number;
  f2: number;
}

export interface EvalReport {
  examples: number;
  perType: TypeScore[];
  overall: TypeScore;
  /** Predicted types that the corpus does not label (their precision cannot be judged). */
  unlabelledPredictedTypes: string[];
  /** Gold types that no mapping turned into a guard type (ignored). */
  unmappedGoldTypes: string[];
}

export function parseJsonl(text: string): SplitExample[] {
  const out: SplitExample[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not valid JSON`);
    }
    const r = o as { text?: unknown; entities?: unknown; spans?: unknown; split?: unknown; id?: unknown };
    if (typeof r.text !== 'string') throw new Error(`line ${i + 1}: missing "text"`);
    const ents = (Array.isArray(r.entities) ? r.entities : Array.isArray(r.spans) ? r.spans : []) as Array<Record<string, unknown>>;
    const text = r.text;
    out.push({
      text,
      ...(typeof r.split === 'string' ? { split: r.split } : {}),
      ...(typeof r.id === 'string' ? { id: r.id } : {}),
      entities: ents.map((e, j) => {
        const type = e.type ?? e.entity_type ?? e.label;
        const start = e.start ?? e.start_position;
        const end = e.end ?? e.end_position;
        // A span outside the text or without a type would be scored silently as a miss: refuse it.
        if (typeof type !== 'string' || !type) throw new Error(`line ${i + 1}: entity ${j + 1} has no "type"`);
        if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) <= (start as number) || (end as number) > text.length) {
          throw new Error(`line ${i + 1}: entity ${j + 1} (${type}) needs whole-number "start" < "end" within the text (0–${text.length})`);
        }
        return { type, start: start as number, end: end as number };
      }),
    });
  }
  return out;
}

/** "PHONE_NUMBER=phone,EMAIL_ADDRESS=email" → Map. A target of "-" drops the type. */
export function parseTypeMap(s: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!s) return m;
  for (const part of s.split(',')) {
    const [from, to] = part.split('=').map((x) => x.trim());
    if (from && to) m.set(from, to);
  }
  return m;
}

function score(type: string, gold: number, predicted: number, goldFound: number, predictedCorrect: number): TypeScore {
  const precision = predicted ? predictedCorrect / predicted : 1;
  const recall = gold ? goldFound / gold : 1;
  const f2 = precision + recall ? (5 * precision * recall) / (4 * precision + recall) : 0;
  return { type, gold, predicted, goldFound, predictedCorrect, precision, recall, f2 };
}

export interface SplitExample extends LabelledExample {
  split?: string;
  id?: string;
}

export function evaluate(
  examples: readonly LabelledExample[],
  scan: (text: string) => Finding[],
  opts: { map?: Map<string, string>; knownTypes?: readonly string[]; scoredTypes?: readonly string[] } = {},
): EvalReport {
  const map = opts.map ?? new Map<string, string>();
  const known = new Set(opts.knownTypes ?? []);
  // scoredTypes: predictions of these types are scored even where the corpus labels none of them
  // (a corpus of negatives: every prediction there is a false positive).
  const goldTypes = new Set<string>(opts.scoredTypes ?? []);
  const unmapped = new Set<string>();
  const predTypes = new Set<string>();
  const acc = new Map<string, { g: number; p: number; gf: number; pc: number }>();
  const get = (t: string) => {
    let a = acc.get(t);
    if (!a) acc.set(t, (a = { g: 0, p: 0, gf: 0, pc: 0 }));
    return a;
  };
  const labelled: Array<{ gold: LabelledEntity[]; pred: Finding[] }> = [];
  for (const ex of examples) {
    const gold: LabelledEntity[] = [];
    for (const e of ex.entities) {
      const t = map.get(e.type) ?? e.type;
      if (t === '-') continue;
      if (known.size && !known.has(t)) {
        unmapped.add(e.type);
        continue;
      }
      goldTypes.add(t);
      gold.push({ type: t, start: e.start, end: e.end });
    }
    labelled.push({ gold, pred: scan(ex.text) });
  }
  for (const { gold, pred } of labelled) {
    for (const g of gold) {
      const a = get(g.type);
      a.g++;
      if (pred.some((p) => p.type === g.type && p.start < g.end && g.start < p.end)) a.gf++;
    }
    for (const p of pred) {
      predTypes.add(p.type);
      if (!goldTypes.has(p.type)) continue;
      const a = get(p.type);
      a.p++;
      if (gold.some((g) => g.type === p.type && p.start < g.end && g.start < p.end)) a.pc++;
    }
  }
  const perType = [...acc.entries()].filter(([t]) => goldTypes.has(t)).sort(([a], [b]) => a.localeCompare(b)).map(([t, a]) => score(t, a.g, a.p, a.gf, a.pc));
  const tot = perType.reduce((s, x) => ({ g: s.g + x.gold, p: s.p + x.predicted, gf: s.gf + x.goldFound, pc: s.pc + x.predictedCorrect }), { g: 0, p: 0, gf: 0, pc: 0 });
  return {
    examples: examples.length,
    perType,
    overall: score('overall', tot.g, tot.p, tot.gf, tot.pc),
    unlabelledPredictedTypes: [...predTypes].filter((t) => !goldTypes.has(t)).sort(),
    unmappedGoldTypes: [...unmapped].sort(),
  };
}

export function formatReport(r: EvalReport): string {
  const f = (x: number) => x.toFixed(3);
  const rows = [...r.perType, r.overall].map(
    (s) => `${s.type.padEnd(22)} ${String(s.gold).padStart(6)} ${String(s.predicted).padStart(6)} ${f(s.precision).padStart(9)} ${f(s.recall).padStart(7)} ${f(s.f2).padStart(6)}`,
  );
  const lines = [`examples: ${r.examples}`, `${'type'.padEnd(22)} ${'gold'.padStart(6)} ${'pred'.padStart(6)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F2'.padStart(6)}`, ...rows];
  if (r.unlabelledPredictedTypes.length) lines.push(`predicted but not labelled in this corpus (not scored): ${r.unlabelledPredictedTypes.join(', ')}`);
  if (r.unmappedGoldTypes.length) lines.push(`gold types without a mapping (ignored): ${r.unmappedGoldTypes.join(', ')}`);
  return lines.join('\n');
}
