/** Masking: replace finding spans with a visible note such as "[phone number hidden]". */
import type { Finding, FindingType } from './types.ts';

export const MASK_LABELS: Record<FindingType, string> = {
  email: 'e-mail address hidden',
  phone: 'phone number hidden',
  iban: 'IBAN hidden',
  bank_account: 'bank account hidden',
  card: 'card number hidden',
  address: 'address hidden',
  customer_number: 'customer number hidden',
  contract_date: 'date hidden',
  price_plan: 'plan hidden',
  called_numbers: 'call list hidden',
  person: 'name hidden',
  customer_record: 'customer data hidden',
  confidential_document: 'confidential text hidden',
};

export interface MaskOptions {
  /** 'label' (default): "[phone number hidden]"; 'stars': same length of "•", keeping the last `keepLast` characters. */
  style?: 'label' | 'stars';
  keepLast?: number;
  labels?: Partial<Record<FindingType, string>>;
}

/** Merge overlapping spans; the merged span is labelled by its first (widest at that start) finding. */
export function mergeSpans(findings: readonly Finding[]): Array<{ start: number; end: number; type: FindingType }> {
  const sorted = findings.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Array<{ start: number; end: number; type: FindingType }> = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) {
      if (f.end > last.end) last.end = f.end;
    } else out.push({ start: f.start, end: f.end, type: f.type });
  }
  return out;
}

/** Return `text` with every finding span replaced. Offsets are UTF-16 code units. */
export function maskText(text: string, findings: readonly Finding[], opts: MaskOptions = {}): string {
  const spans = mergeSpans(findings.filter((f) => f.start >= 0 && f.end <= text.length && f.start < f.end));
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start);
    const original = text.slice(s.start, s.end);
    if (opts.style === 'stars') {
      const keep = Math.min(opts.keepLast ?? 0, Math.floor(original.length / 3));
      out += original.slice(0, original.length - keep).replace(/[\p{L}\p{N}]/gu, '•') + original.slice(original.length - keep);
    } else {
      out += `[${opts.labels?.[s.type] ?? MASK_LABELS[s.type]}]`;
    }
    pos = s.end;
  }
  return out + text.slice(pos);
}
