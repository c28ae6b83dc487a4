// Register findings say which records they belong to, and a value kept only as its keyed hash
// finds its records again (issue 20: private conversations tell a participant's own data from
// another customer's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomerRegister, scanText } from '../../src/guard/index.ts';

const SECRET = 'test-installation-secret-0123456789';

test('register findings carry their record ids; lookupHashed finds them from a stored hash', () => {
  const reg = new CustomerRegister(SECRET);
  const anna = reg.addRecord({ name: 'Anna Visser', phone: '06-12345678', customer_number: 'KL-1234560' });
  const bram = reg.addRecord({ name: 'Bram de Wit', phone: '06-87654321', customer_number: 'KL-7654320' });
  const text = 'Anna Visser (KL-1234560) asked about Bram de Wit on 06-87654321.';
  const found = scanText(text, { registers: { customers: reg } });
  const of = (value: string, type = 'customer_record') => found.find((f) => f.type === type && text.slice(f.start, f.end) === value);
  assert.deepEqual(of('KL-1234560')?.records, [anna]);
  assert.deepEqual(of('06-87654321')?.records, [bram]);
  assert.deepEqual(of('Bram de Wit', 'person')?.records, [bram], 'a register name hit merged into the person finding keeps its records');
  assert.equal(of('Bram de Wit', 'person')?.source, 'register');
  const hash = reg.hashNormalised('customer_number', 'KL1234560');
  assert.deepEqual(reg.lookupHashed('customer_number', hash), [anna]);
  assert.deepEqual(reg.lookupHashed('phone', hash), [], 'the field is part of the key');
  assert.deepEqual(reg.lookupHashed('customer_number', 'not-a-hash'), []);
  // Through a serialized copy (as the app loads it), the same.
  const copy = CustomerRegister.fromSerialized(reg.serialize(), SECRET);
  assert.deepEqual(copy.lookupHashed('customer_number', hash), [anna]);
});
