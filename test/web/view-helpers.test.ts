import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewHelpers } from '../../src/web/view-helpers.ts';

test('dates read like the en-GB format, in UTC', () => {
  const intl = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  for (const iso of ['2026-01-05T00:00:00.000Z', '2026-11-24T23:59:59.999Z', '2024-02-29T12:00:00.000Z']) {
    assert.equal(viewHelpers.date(iso), intl.format(new Date(iso)));
  }
  assert.equal(viewHelpers.dateTime('2026-11-24T09:05:00.000Z'), '24 Nov 2026, 09:05 UTC');
  assert.equal(viewHelpers.date(null), '');
  assert.equal(viewHelpers.ago(new Date(Date.now() - 90 * 60_000).toISOString()), '1 h ago');
  assert.equal(viewHelpers.ago('2020-03-01T10:00:00.000Z'), '1 Mar 2020');
});

test('counts read like the en-GB format, small ones without asking Intl', () => {
  const intl = new Intl.NumberFormat('en-GB');
  for (const n of [0, 1, 7, 999, 1000, 12_345, 1_234_567, -5, -999, -1000, 2.5]) assert.equal(viewHelpers.n(n), intl.format(n), String(n));
  assert.equal(viewHelpers.plural(1, 'reply', 'replies'), '1 reply');
  assert.equal(viewHelpers.plural(1000, 'reply', 'replies'), '1,000 replies');
});
