// A registered customer is found when two of its fields appear in any case, word order, possessive
// or spacing, and a customer number written without its letter prefix still matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomerRegister, scanText } from '../../src/guard/index.ts';

const reg = new CustomerRegister('test-secret-for-register-forms');
reg.addRecord({ name: 'Vera Brouwer', customer_number: 'KL-8754185', phone: '06 12345678', email: 'vera.b@example.nl' });
reg.addRecord({ name: 'Jan de Vries', customer_number: 'KL-1234567', address: 'Kerkstraat 12, 3511 AB Utrecht' });
const records = (text: string) => scanText(text, { registers: { customers: reg } }).filter((f) => f.type === 'customer_record');

test('two fields of a record in any case, order, possessive: corroborated', () => {
  for (const text of [
    "vera brouwer's customer number is KL-8754185",
    'Brouwer Vera, klantnummer kl 8754185',
    'VERA BROUWER called from 0612345678',
    "Vera Brouwer's number 8754185 is on the invoice",
    'de vries jan, kerkstraat 12, 3511 ab utrecht',
  ]) {
    const rs = records(text);
    assert.ok(rs.length >= 2, `${text}: ${rs.length} register findings`);
    assert.ok(rs.every((r) => r.confidence >= 0.9 && /2 fields/.test(r.reason)), `${text}: ${rs.map((r) => r.reason).join(' | ')}`);
  }
});

test('a customer number without its prefix matches; a different number does not', () => {
  assert.equal(records('my number is 8754185').length, 1);
  assert.equal(records('my number is 8754186').length, 0);
});
