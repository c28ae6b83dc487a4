import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText, evaluate, parseJsonl, CustomerRegister, DocumentRegister, FINDING_TYPES, type GuardOptions } from '../../src/guard/index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard');
const lines = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean);

test('labelled corpus: recall ≥ 0.97 and precision ≥ 0.90 on every type', () => {
  const options: Partial<GuardOptions> = JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8'));
  const customers = new CustomerRegister('evaluation-secret-not-for-production', { defaultRegion: options.defaultRegion });
  for (const l of lines('customers.jsonl')) customers.addRecord(JSON.parse(l));
  const documents = new DocumentRegister();
  for (const l of lines('documents.jsonl')) {
    const d = JSON.parse(l);
    documents.addDocument(d.id, d.text, d.label);
  }
  const examples = parseJsonl(readFileSync(join(dir, 'corpus.jsonl'), 'utf8'));
  const spans = examples.reduce((n, e) => n + e.entities.length, 0);
  assert.ok(spans >= 500, `corpus has ${spans} spans`);
  assert.ok(examples.some((e) => /\b(?:je|het|de)\b/.test(e.text)) && examples.some((e) => /\bthe\b/.test(e.text)));
  const report = evaluate(examples, (t) => scanText(t, { registers: { customers, documents }, options }), { knownTypes: FINDING_TYPES });
  assert.deepEqual(report.perType.map((s) => s.type).sort(), [...FINDING_TYPES].sort(), 'every type is labelled in the corpus');
  for (const s of report.perType) {
    assert.ok(s.gold >= 30, `${s.type}: only ${s.gold} gold spans`);
    assert.ok(s.recall >= 0.97, `${s.type} recall ${s.recall.toFixed(3)}`);
    assert.ok(s.precision >= 0.9, `${s.type} precision ${s.precision.toFixed(3)}`);
  }
});

test('evaluate: overlap matching and type mapping', () => {
  const ex = [{ text: 'call 0612345678 now', entities: [{ type: 'PHONE_NUMBER', start: 5, end: 15 }, { type: 'LOCATION', start: 0, end: 4 }] }];
  const r = evaluate(ex, (t) => scanText(t), { map: new Map([['PHONE_NUMBER', 'phone']]), knownTypes: FINDING_TYPES });
  assert.equal(r.perType.find((s) => s.type === 'phone')!.recall, 1);
  assert.deepEqual(r.unmappedGoldTypes, ['LOCATION']);
});
