import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, sleep, systemClock } from '../../src/cluster/clock.js';

describe('backoffDelay', () => {
  const cases: [attempt: number, random: number, expected: number][] = [
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [3, 1, 4_000],
    [10, 1, 30_000],
    [10, 0, 15_000],
  ];
  for (const [attempt, random, expected] of cases) {
    it(`attempt ${attempt}, random ${random} → ${expected} ms (base 1 s, cap 30 s)`, () => {
      assert.equal(
        backoffDelay(attempt, 1_000, 30_000, () => random),
        expected,
      );
    });
  }
});

describe('systemClock and sleep', () => {
  it('shifts only the wall clock; sleep ends early on abort', async () => {
    const clock = systemClock(3_600_000);
    assert.ok(Math.abs(clock.wall() - Date.now() - 3_600_000) < 1_000);
    assert.ok(Math.abs(clock.monotonic() - performance.now()) < 1_000);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => {
      controller.abort();
    }, 20);
    await sleep(10_000, controller.signal);
    assert.ok(performance.now() - started < 2_000);
  });
});
