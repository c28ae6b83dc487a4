import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanText, type Finding, type FindingType, type GuardOptions } from '../../src/guard/index.ts';

const options: Partial<GuardOptions> = {
  customerNumberPatterns: [{ name: 'customer number', source: 'KL-?\\d{7}', checkDigit: 'mod11' }],
  pricePlans: ['Fiber 500', 'Sim Only Basic'],
};
const scan = (t: string) => scanText(t, { options });
const spans = (t: string, type: FindingType) => scan(t).filter((f: Finding) => f.type === type).map((f) => t.slice(f.start, f.end));

test('email: found, reason does not contain the value', () => {
  const t = 'Mail j.devries@ziggo.nl or <Anna+parley@proton.me>.';
  assert.deepEqual(spans(t, 'email'), ['j.devries@ziggo.nl', 'Anna+parley@proton.me']);
  for (const f of scan(t)) assert.ok(!f.reason.includes('ziggo'));
  assert.deepEqual(spans('no mail @ here, user@localhost', 'email'), []);
});

test('phone: national and international formats', () => {
  for (const p of ['+31 6 1234 5678', '06-12345678', '(020) 555 0123', '0044 20 7946 0958', '+1 415-555-0132', '+31 (0)20 555 0123', '06 12 34 56 78']) {
    assert.deepEqual(spans(`Bel me op ${p} graag.`, 'phone'), [p], p);
  }
});

test('phone: hard negatives (dates, IPs, versions, order numbers, KvK, cards, IBANs)', () => {
  const t = 'Order 2024-118837 shipped on 12-03-2025. IP 192.168.178.1, firmware 7.1.2, KvK 04902562, card 4111 1111 1111 1111, IBAN NL91ABNA0417164300, € 1.249,00.';
  assert.deepEqual(spans(t, 'phone'), []);
});

test('iban: compact, spaced, dashed; invalid check digits rejected', () => {
  assert.deepEqual(spans('Refund to NL91ABNA0417164300 please', 'iban'), ['NL91ABNA0417164300']);
  assert.deepEqual(spans('Refund to NL91 ABNA 0417 1643 00 please', 'iban'), ['NL91 ABNA 0417 1643 00']);
  assert.deepEqual(spans('IBAN GB29-NWBK-6016-1331-9268-19.', 'iban'), ['GB29-NWBK-6016-1331-9268-19']);
  assert.deepEqual(spans('Refund to NL92ABNA0417164300 please', 'iban'), []);
});

test('bank account: UK sort code + account, US routing number', () => {
  assert.deepEqual(spans('Refunded to sort code 20-00-00, account number 12345678.', 'bank_account'), ['20-00-00', '12345678']);
  assert.deepEqual(spans('Your bank: routing number 021000021, account 1234567890.', 'bank_account'), ['021000021', '1234567890']);
  assert.deepEqual(spans('Order number 12345678 was sent.', 'bank_account'), []);
});

test('card: Luhn with spaces/dashes, never also a phone; IMEI and serials rejected', () => {
  const t = 'Card 4111 1111 1111 1111 and 5500-0000-0000-0004 and 378282246310005.';
  assert.deepEqual(spans(t, 'card'), ['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005']);
  assert.deepEqual(spans(t, 'phone'), []);
  assert.deepEqual(spans('Card 4111 1111 1111 1112 failed', 'card'), []);
  assert.deepEqual(spans('The IMEI of that phone is 353672680920633.', 'card'), []);
});

test('address: NL, UK, US, DE, BE; public store addresses are not reported', () => {
  const cases = ['Keizersgracht 123, 1015 CJ Amsterdam', '221B Baker Street, London NW1 6XE', '1600 Amelia Ave, Springfield, IL 62704', 'Friedrichstraße 43a, 10117 Berlin', 'Laan van Meerdervoort 50, 2517 AM Den Haag', 'Veldstraat 5, 9000 Gent'];
  for (const a of cases) assert.deepEqual(spans(`The engineer visits ${a} tomorrow.`, 'address'), [a], a);
  assert.deepEqual(spans('Visit our store at Kalverstraat 92, Amsterdam for a demo.', 'address'), []);
  assert.deepEqual(spans('Room 123 on floor 4, gate 12B, step 2 of 5.', 'address'), []);
});

test('customer number: own format with mod 11, and number after a cue word', () => {
  assert.deepEqual(spans('Found you under KL-4821937.', 'customer_number').length, 0); // invalid check digit
  assert.deepEqual(spans('Found you under KL-1234560.', 'customer_number'), ['KL-1234560']); // 1·7+2·6+3·5+4·4+5·3+6·2+0·1 = 77 = 7·11
  assert.deepEqual(spans('Je klantnummer is 48213377.', 'customer_number'), ['48213377']);
  assert.deepEqual(spans('Your order number is 48213377 and ticket #48213.', 'customer_number'), []);
});

test('contract date: with contract context only (EN + NL)', () => {
  assert.deepEqual(spans('Your contract ends on 14 March 2026.', 'contract_date'), ['14 March 2026']);
  assert.deepEqual(spans('Je contract loopt af op 1 februari 2026.', 'contract_date'), ['1 februari 2026']);
  assert.deepEqual(spans('Einddatum: 31-12-2025', 'contract_date'), ['31-12-2025']);
  assert.deepEqual(spans('The outage on 12 March 2025 is resolved. Release 2025-11-04.', 'contract_date'), []);
  assert.deepEqual(spans('New contracts signed after 1 January 2026 get the new price.', 'contract_date'), []);
});

test('price plan: catalogue names about a customer, not product talk', () => {
  assert.deepEqual(spans("I can see you're on Fiber 500 at the moment.", 'price_plan'), ['Fiber 500']);
  assert.deepEqual(spans('U heeft recht op de Sim Only Basic.', 'price_plan'), ['Sim Only Basic']);
  assert.deepEqual(spans('Fiber 500 is now available for all customers in Utrecht.', 'price_plan'), []);
});

test('called numbers: list of numbers with times', () => {
  const t = 'On 3 March you called 020 555 0123 at 14:32 (4 min) and 06-12345678 at 15:10 (12 min).';
  const c = scan(t).filter((f) => f.type === 'called_numbers');
  assert.equal(c.length, 1);
  assert.ok(t.slice(c[0]!.start, c[0]!.end).includes('020 555 0123'));
  assert.deepEqual(spans('Our helpdesk 020 555 0123 is open 09:00-17:00.', 'called_numbers'), []);
});

test('person: titles, roles, verbs; sign-offs not reported', () => {
  assert.deepEqual(spans('I spoke with Mrs. Okafor this morning.', 'person'), ['Okafor']);
  assert.deepEqual(spans('Mevrouw de Vries belde gisteren.', 'person'), ['de Vries']);
  assert.deepEqual(spans('The customer, Anna Visser, asked us to wait.', 'person'), ['Anna Visser']);
  assert.deepEqual(spans('Jan Jansen belde gisteren.', 'person'), ['Jan Jansen']);
  assert.deepEqual(spans('Kind regards, Mark de Boer (Parley support team)', 'person'), []);
  assert.deepEqual(spans('Contact Customer Service via the app.', 'person'), []);
});

test('person: a first name alone in capitals is an acronym (IBAN, PIN), not a name; written as a name it still counts', () => {
  assert.deepEqual(spans('My IBAN is NL91 ABNA 0417 1643 00, please refund.', 'person'), []);
  assert.deepEqual(spans('I spoke with Iban yesterday about the refund.', 'person'), ['Iban']);
});

test('person: a name in lower case that no list knows, after a cue that takes a person; not a thing after "with"', () => {
  // Names written in lower case whose words are in no name list (the person model needs a cue for them).
  assert.deepEqual(spans('follow up with pəri tahirova about the refund', 'person'), ['pəri tahirova']);
  assert.deepEqual(spans("I'm ellen-margrethe bjerregaard, my order never arrived.", 'person'), ['ellen-margrethe bjerregaard']);
  assert.deepEqual(spans('pāvils jankovska bīriņš wrote to us yesterday about the outage.', 'person'), ['pāvils jankovska bīriņš']);
  // The same shape after cues that take things as often as people, or next to frequent words: no name.
  assert.deepEqual(spans('I had trouble with mesh wifi and powerline adapters all week.', 'person'), []);
  assert.deepEqual(spans('this is ethernet backhaul, not wifi', 'person'), []);
  assert.deepEqual(spans('can you call support back tomorrow', 'person'), []);
  assert.deepEqual(spans('the mesh wifi is great now', 'person'), []);
});

test('person: a list right after a cue that it is people holds names even when no name list knows them', () => {
  assert.deepEqual(spans('Users on this account: Günay, Nurlan and Anar', 'person'), ['Günay', 'Nurlan', 'Anar']);
  assert.deepEqual(spans('They had 3 people on the contract: אילנה, רותם and עמיחי.', 'person'), ['אילנה', 'רותם', 'עמיחי']);
  // The cue elsewhere in the sentence: the list is of things.
  assert.deepEqual(spans('The family members use Netflix, Spotify and Videoland on the TV box.', 'person'), []);
});
