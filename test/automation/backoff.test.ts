import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/automation/backoff.js';

describe('backoffDelay', () => {
  const options = { baseMs: 100, maxMs: 1000 };
  const table: { attempt: number; random: number; expected: number }[] = [
    { attempt: 1, random: 0.5, expected: 50 },
    { attempt: 2, random: 0.5, expected: 100 },
    { attempt: 3, random: 0.5, expected: 200 },
    { attempt: 4, random: 0.99, expected: 792 },
    { attempt: 5, random: 0.5, expected: 500 }, // capped at maxMs
    { attempt: 30, random: 0.5, expected: 500 },
    { attempt: 1, random: 0, expected: 0 },
    { attempt: 3, random: 1, expected: 399 }, // random() is [0, 1); 1 is clamped below the ceiling
  ];
  for (const c of table)
    it(`attempt ${c.attempt}, random ${c.random} → ${c.expected} ms`, () => {
      assert.equal(
        backoffDelay(c.attempt, options, () => c.random),
        c.expected,
      );
    });

  it('grows by the factor and never exceeds the cap', () => {
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const ceiling = Math.min(1000, 100 * 3 ** (attempt - 1));
      const delay = backoffDelay(attempt, { ...options, factor: 3 }, () => 0.999999);
      assert.ok(delay <= ceiling && delay >= ceiling * 0.99, `${attempt}: ${delay}`);
    }
  });

  it('rejects attempts below 1', () => {
    assert.throws(() => backoffDelay(0, options, Math.random), RangeError);
    assert.throws(() => backoffDelay(1.5, options, Math.random), RangeError);
  });
});
