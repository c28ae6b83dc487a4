import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, maskText, mergePolicy, validatePolicy, DEFAULT_POLICY, scanText, GuardInputTooLargeError, MAX_TEXT_LENGTH, type Finding } from '../../src/guard/index.ts';

const f = (type: Finding['type'], start = 0, end = 5, confidence = 0.9): Finding => ({ type, start, end, confidence, reason: type });

test('default policy: employee with customer data or confidential text is blocked, may ask the community team', () => {
  for (const t of ['phone', 'customer_record', 'confidential_document', 'contract_date', 'person'] as const) {
    const d = decide([f(t)], { roles: ['employee'] });
    assert.equal(d.action, 'block', t);
    assert.equal(d.canAskCommunityTeam, true);
  }
});

test("default policy: a member's own phone, e-mail, IBAN or card is masked", () => {
  for (const t of ['phone', 'email', 'iban', 'card'] as const) {
    const d = decide([f(t)], { roles: ['member'] });
    assert.equal(d.action, 'mask', t);
    assert.equal(d.toMask.length, 1);
    assert.equal(d.canAskCommunityTeam, false);
  }
  assert.equal(decide([], { roles: ['member'] }).action, 'allow');
  assert.equal(decide([f('phone', 0, 5, 0.2)], { roles: ['member'] }).action, 'allow'); // below minConfidence
  assert.equal(decide([f('phone')], { roles: [] }).action, 'mask'); // fallback role
});

test('strictest role wins; policy is editable and validated', () => {
  assert.equal(decide([f('phone')], { roles: ['member', 'employee'] }).action, 'block');
  const p = mergePolicy({ rules: { employee: { phone: 'hold' } } });
  assert.equal(decide([f('phone')], { roles: ['employee'], policy: p }).action, 'hold');
  assert.equal(DEFAULT_POLICY.rules.employee!.phone, 'block');
  assert.throws(() => validatePolicy({ rules: { member: { phone: 'explode' } } }), /unknown action/);
  assert.throws(() => validatePolicy({ rules: { member: { nonsense: 'mask' } } }), /unknown finding type/);
  assert.equal(validatePolicy({ rules: { member: { phone: 'warn' } } }).rules.member!.phone, 'warn');
});

test('maskText replaces spans, merging overlaps; offsets are UTF-16', () => {
  const text = 'Bel 😀 06-12345678 of mail a@b.nl';
  const found = scanText(text);
  const masked = maskText(text, found);
  assert.equal(masked, 'Bel 😀 [phone number hidden] of mail [e-mail address hidden]');
  assert.equal(maskText('abcdef', [f('phone', 1, 4), f('card', 2, 5)]), 'a[phone number hidden]f');
  assert.equal(maskText('call 0612345678', [f('phone', 5, 15)], { style: 'stars', keepLast: 2 }), 'call ••••••••78');
});

test('oversized input is refused before scanning', () => {
  assert.throws(() => scanText('x'.repeat(MAX_TEXT_LENGTH + 1)), GuardInputTooLargeError);
});
