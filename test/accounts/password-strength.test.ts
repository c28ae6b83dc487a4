import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const zxcvbnLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => /[\\/]node_modules[\\/]@zxcvbn-ts[\\/]language-/.test(p));

test('the password dictionaries are loaded by the first password check, not by the server starting', async () => {
  const { assertStrongPassword } = await import('../../src/accounts/password-strength.ts');
  assert.equal(zxcvbnLoaded(), false, 'importing the module loaded the dictionaries');
  // Both at once: one load, and each check gets its own verdict.
  const [weak, strong] = await Promise.allSettled([assertStrongPassword('password1234'), assertStrongPassword('violet-kettle-harbour-42')]);
  assert.equal(weak.status, 'rejected');
  assert.match(String((weak as PromiseRejectedResult).reason.message), /guess/);
  assert.equal(strong.status, 'fulfilled');
  assert.equal(zxcvbnLoaded(), true);
  // What the user wrote elsewhere (name, address) counts against the password.
  await assertStrongPassword('Harbourview77');
  await assert.rejects(assertStrongPassword('Harbourview77', ['harbourview']), /guess/);
});
