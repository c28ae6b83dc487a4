import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomerRegister, DocumentRegister, scanText, normaliseName, normalisePhone, normaliseAddress, normaliseCustomerNumber } from '../../src/guard/index.ts';

const SECRET = 'test-installation-secret-0123456789';
const rec = { name: 'Anna Visser', phone: '06-12345678', email: 'Anna.Visser@Example.nl', address: 'Keizersgracht 123, 1015 CJ Amsterdam', customer_number: 'KL-1234560' };

test('normalisers', () => {
  assert.equal(normaliseName('  Dhr. Jan  de Vriës '), 'jan de vries');
  assert.equal(normalisePhone('+31 6 1234 5678'), '+31612345678');
  assert.equal(normalisePhone('06-12345678'), '+31612345678');
  assert.equal(normalisePhone('(312) 555-0122'), '+13125550122');
  assert.deepEqual(normaliseAddress('Keizersgracht 123, 1015 CJ Amsterdam'), ['keizersgracht 123', '1015cj 123']);
  assert.equal(normaliseCustomerNumber('kl-123.4560'), 'KL1234560');
});

test('register keeps no plaintext: serialize output contains no input value', () => {
  const reg = new CustomerRegister(SECRET);
  reg.addRecord(rec);
  const bytes = Buffer.from(reg.serialize());
  for (const v of [...Object.values(rec), 'anna visser', 'anna.visser@example.nl', '+31612345678', 'KL1234560', 'keizersgracht']) {
    assert.equal(bytes.includes(Buffer.from(v)), false, v);
    assert.equal(bytes.includes(Buffer.from(v, 'utf16le')), false, v);
  }
  for (const e of reg.entries()) assert.match(e.hash, /^[0-9a-f]{16}$/);
});

test('serialize / fromSerialized round trip; a different secret is refused', () => {
  const reg = new CustomerRegister(SECRET);
  reg.addRecord(rec);
  const back = CustomerRegister.fromSerialized(reg.serialize(), SECRET);
  assert.deepEqual(back.lookup('phone', '+31 6 1234 5678'), [0]);
  assert.equal(back.recordCount, 1);
  assert.throws(() => CustomerRegister.fromSerialized(reg.serialize(), 'another-secret-0123456789'), /different secret/);
});

test('exact data match; corroboration of two fields raises confidence', () => {
  const reg = new CustomerRegister(SECRET);
  for (let i = 0; i < 50; i++) reg.addRecord({ name: `Person Number${i}`, phone: `+3161234${String(1000 + i)}` });
  reg.addRecord(rec);
  const one = scanText('I called 0612345678 this morning.', { registers: { customers: reg } }).filter((f) => f.type === 'customer_record');
  assert.equal(one.length, 1);
  const two = scanText('Anna Visser can be reached on 06 1234 5678.', { registers: { customers: reg } }).filter((f) => f.type === 'customer_record');
  assert.equal(two.length, 2);
  assert.ok(two.every((f) => f.confidence > one[0]!.confidence));
  assert.ok(two.every((f) => !f.reason.includes('Anna') && !f.reason.includes('1234')));
  // A registered name is a person even without any cue word.
  const p = scanText('Het pakket voor Anna Visser is onderweg.', { registers: { customers: reg } });
  assert.ok(p.some((f) => f.type === 'person'));
  assert.deepEqual(scanText('Anna Jansen called.', { registers: { customers: reg } }).filter((f) => f.type === 'customer_record'), []);
});

const CONF = `Retention playbook 2026 (internal). When a customer on a fibre contract threatens to leave, agents may offer a retention discount of up to 25 percent for twelve months, but only after the customer has mentioned a competitor by name. Never offer the discount in writing on public channels. Customers whose contract ends within ninety days are flagged in the dashboard in orange.`;
const PUB = `Fiber 500 product sheet. Fiber 500 gives you 500 megabits per second download and upload over our own fibre network. Installation is free and an engineer connects the modem in your home.`;

test('fingerprints: copied passage with reformatting and small edits is found', () => {
  const docs = new DocumentRegister();
  docs.addDocument('playbook', CONF, 'confidential');
  docs.addDocument('sheet', PUB, 'public');
  const post = 'FYI:\n> agents **MAY** offer a retention discount of up to 25 % for twelve months,\n> but only after the customer has named a competitor. Never offer the discount in writing on public channels.';
  const f = scanText(post, { registers: { documents: docs } }).filter((x) => x.type === 'confidential_document');
  assert.ok(f.length >= 1);
  assert.ok(f[0]!.confidence >= 0.8);
  assert.match(f[0]!.reason, /playbook/);
});

test('fingerprints: public documents are allowed, unrelated text is not flagged', () => {
  const docs = new DocumentRegister();
  docs.addDocument('playbook', CONF, 'confidential');
  docs.addDocument('sheet', PUB, 'public');
  const pub = 'From our sheet: Fiber 500 gives you 500 megabits per second download and upload over our own fibre network. Installation is free.';
  assert.deepEqual(scanText(pub, { registers: { documents: docs } }).filter((x) => x.type === 'confidential_document'), []);
  const unrelated = 'Have you tried restarting the modem? The lights should turn green within two minutes of power-up.';
  assert.deepEqual(scanText(unrelated, { registers: { documents: docs } }).filter((x) => x.type === 'confidential_document'), []);
});

test('a sentence shared by a confidential and a public document is allowed', () => {
  const docs = new DocumentRegister();
  const shared = 'The mobile app will get self-service contract renewal in November for every customer.';
  docs.addDocument('roadmap', `Internal roadmap draft. ${shared} The streaming partnership is under embargo.`, 'confidential');
  docs.addDocument('sheet', `Product sheet. ${shared}`, 'public');
  assert.deepEqual(scanText(`Good news: ${shared}`, { registers: { documents: docs } }).filter((x) => x.type === 'confidential_document'), []);
});

test('fast HMAC-SHA-256 matches node:crypto bit for bit', async () => {
  const { createHmac } = await import('node:crypto');
  const { FastHmacSha256 } = await import('../../src/guard/hmac.ts');
  for (const key of ['installation-secret-0123456789', 'k'.repeat(64), 'x'.repeat(100)]) {
    const f = new FastHmacSha256(Buffer.from(key));
    for (const msg of ['', '0\u0000jan de vries', 'é'.repeat(70), 'x'.repeat(55), 'x'.repeat(56), 'y'.repeat(119), 'y'.repeat(120), 'q'.repeat(247), 'q'.repeat(300)]) {
      const d = createHmac('sha256', key).update(msg).digest();
      assert.deepEqual(f.digest64(msg), [d.readUInt32BE(0), d.readUInt32BE(4)], `key ${key.length}, message ${msg.length}`);
    }
  }
});

// Many records sharing one value ("Jan Jansen", a household's address) used to take one table slot
// each in a single probe run: every insert walked all earlier ones (a quadratic import) and any
// lookup landing in the run walked it too. Work is counted (probe steps), never timed.
test('customer register: many records with the same name cost a bounded number of probes each', () => {
  const N = 10_000;
  const reg = new CustomerRegister(SECRET, { expectedRecords: 16 });
  for (let i = 0; i < N; i++) reg.addRecord({ name: 'Jan Jansen', phone: `+316${String(20000000 + i)}`, address: `Kerkstraat ${1 + (i % 3)}, 1234 AB Utrecht` });
  assert.ok(reg.probes / reg.entryCount < 4, `${(reg.probes / reg.entryCount).toFixed(1)} probes per insert`);
  const ids = reg.lookup('name', 'jan  JANSEN');
  assert.equal(ids.length, N);
  assert.equal(new Set(ids).size, N);
  const street = reg.lookup('address', 'Kerkstraat 2');
  assert.equal(street.length, 3333);
  assert.ok(street.every((id) => id % 3 === 1));
  // Lookups of other values never walk the shared ones.
  const before = reg.probes;
  for (let i = 0; i < 1000; i++) reg.lookup('name', `Piet Puk${i}`);
  assert.ok(reg.probes - before < 4000, `${reg.probes - before} probes for 1,000 lookups`);
  // The work of an import grows linearly: 4× the records, about 4× the probes.
  const probesFor = (n: number) => {
    const r = new CustomerRegister(SECRET, { expectedRecords: 16 });
    for (let i = 0; i < n; i++) r.addRecord({ name: 'Jan Jansen', customer_number: `KL${1000000 + i}` });
    return r.probes;
  };
  const ratio = probesFor(8000) / probesFor(2000);
  assert.ok(ratio < 5, `probes grew ${ratio.toFixed(1)}× for 4× the records`);
  // Serialising keeps every value; the loaded register answers the same.
  const back = CustomerRegister.fromSerialized(reg.serialize(), SECRET);
  assert.equal(back.entryCount, reg.entryCount);
  assert.deepEqual(back.lookup('name', 'Jan Jansen').sort((a, b) => a - b), ids.slice().sort((a, b) => a - b));
  assert.ok(back.probes / back.entryCount < 4);
  assert.equal([...back.entries()].length, reg.entryCount);
});

test('customer register: values of a length no stored value has are not hashed; a version-1 register still loads', () => {
  const reg = new CustomerRegister(SECRET);
  reg.addRecord(rec);
  assert.equal(reg.mayHold('customer_number', 'KL1234560'), true);
  assert.equal(reg.mayHold('customer_number', '20261124'), false); // 8 characters, starts with a digit: none stored
  const before = reg.probes;
  assert.deepEqual(reg.lookupNormalised('customer_number', '20261124'), []);
  assert.equal(reg.probes, before);
  assert.equal(reg.holds('iban'), false);
  // Version 1 (no shapes): header of 24 bytes, then the same triples; every length is possible.
  const v2 = Buffer.from(reg.serialize());
  const v1 = Buffer.concat([v2.subarray(0, 24), v2.subarray(24 + 64)]);
  v1.writeUInt32LE(1, 4);
  const back = CustomerRegister.fromSerialized(v1, SECRET);
  assert.equal(back.mayHold('customer_number', '20261124'), true);
  assert.deepEqual(back.lookup('customer_number', 'KL-1234560'), [0]);
  assert.deepEqual(back.lookup('name', 'Anna Visser'), [0]);
});
