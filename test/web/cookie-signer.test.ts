import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Signer } from '@fastify/cookie';
import { rememberingSigner } from '../../src/web/cookie-signer.ts';

// Counts the HMACs the cookie plugin's signer makes (it calls node:crypto's createHmac at each check).
function countingHmacs(): { count: () => number; restore: () => void } {
  const original = crypto.createHmac;
  let n = 0;
  crypto.createHmac = ((...args: Parameters<typeof original>) => {
    n++;
    return original(...args);
  }) as typeof original;
  return { count: () => n, restore: () => (crypto.createHmac = original) };
}

test('a verified cookie is checked once; forged, tampered and foreign ones are refused every time', () => {
  const signer = rememberingSigner('a secret of this installation');
  const plain = new Signer('a secret of this installation');
  const signed = signer.sign('42.token-value');
  const foreign = new Signer('another installation').sign('42.token-value');
  assert.equal(signed, plain.sign('42.token-value'), 'signs as the plugin does');

  const hmacs = countingHmacs();
  try {
    assert.deepEqual(signer.unsign(signed), { valid: true, renew: false, value: '42.token-value' });
    assert.equal(hmacs.count(), 1);
    assert.deepEqual(signer.unsign(signed), { valid: true, renew: false, value: '42.token-value' });
    assert.deepEqual(signer.unsign(signed), { valid: true, renew: false, value: '42.token-value' });
    assert.equal(hmacs.count(), 1, 'the same cookie again costs no HMAC');

    const forged = `43.token-value.${signed.slice(signed.lastIndexOf('.') + 1)}`; // another value, the first one's signature
    for (let i = 0; i < 3; i++) {
      assert.equal(signer.unsign(forged).valid, false);
      assert.equal(signer.unsign(foreign).valid, false);
      assert.equal(signer.unsign(`${signed}x`).valid, false);
      assert.equal(signer.unsign('no-signature').valid, false);
    }
    assert.equal(hmacs.count(), 1 + 3 * 3, 'refused cookies are checked in full each time (the one without a dot needs no HMAC)');
  } finally {
    hmacs.restore();
  }
});

test('at most `size` verified cookies are kept, the oldest dropped first', () => {
  const signer = rememberingSigner('s', 2);
  const [a, b, c] = ['a', 'b', 'c'].map((v) => signer.sign(v)) as [string, string, string];
  for (const s of [a, b, c]) assert.equal(signer.unsign(s).valid, true);
  const hmacs = countingHmacs();
  try {
    assert.equal(signer.unsign(c).value, 'c');
    assert.equal(signer.unsign(b).value, 'b');
    assert.equal(hmacs.count(), 0, 'the two newest are remembered');
    assert.equal(signer.unsign(a).value, 'a');
    assert.equal(hmacs.count(), 1, 'the oldest was dropped and is checked again');
  } finally {
    hmacs.restore();
  }
});
