import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { lanes } from '../../src/shared/lanes.ts';

/** A task that records how many ran at once, and ends when told to (or after `ms`). */
function recorder() {
  let now = 0;
  let most = 0;
  const ended: number[] = [];
  const task = (id: number, ms: number, fail = false) => async () => {
    most = Math.max(most, ++now);
    await sleep(ms);
    now--;
    if (fail) throw new Error(`task ${id} failed`);
    ended.push(id);
  };
  return { task, ended, most: () => most, now: () => now };
}

test('at most `width` tasks run at once, and the lanes are used (not one after another)', async () => {
  const r = recorder();
  const work = lanes(3);
  for (let i = 0; i < 10; i++) await work.run(r.task(i, 5));
  await work.finish();
  assert.equal(r.most(), 3);
  assert.equal(r.ended.length, 10);
  assert.equal(r.now(), 0);
});

test('a failure stops new tasks; finish() waits for the running ones, then throws the first failure', async () => {
  const r = recorder();
  const work = lanes(2);
  await work.run(r.task(1, 5, true));
  await work.run(r.task(2, 40));
  // The next run waits for a free lane: task 1's failure frees it and is thrown, task 3 never starts.
  await assert.rejects(work.run(r.task(3, 5)), /task 1 failed/);
  assert.equal(r.now(), 1, 'task 2 is still running');
  await assert.rejects(work.finish(), /task 1 failed/);
  assert.equal(r.now(), 0, 'finish() returned only once task 2 had ended');
  assert.deepEqual(r.ended, [2]);
});

test('a failure between two runs is not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const work = lanes(2);
    await work.run(async () => {
      throw new Error('at once');
    });
    await sleep(20); // the producer busy elsewhere (reading the next batch) while it fails
    await assert.rejects(work.run(async () => {}), /at once/);
    await assert.rejects(work.finish(), /at once/);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('a width that is not a positive integer is refused', () => {
  for (const width of [0, -1, 1.5, Number.NaN]) assert.throws(() => lanes(width), RangeError);
});
