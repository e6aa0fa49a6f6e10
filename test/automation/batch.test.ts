import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterCycle, mayWrite, nextDelay } from '../../src/automation/batch.js';

describe('batching window', () => {
  const table: {
    name: string;
    first: number | undefined;
    window: number;
    now: number;
    write: boolean;
  }[] = [
    { name: 'no window: always write', first: undefined, window: 0, now: 0, write: true },
    {
      name: 'window, nothing pending yet: plan only',
      first: undefined,
      window: 60_000,
      now: 0,
      write: false,
    },
    { name: 'window open', first: 1_000, window: 60_000, now: 30_000, write: false },
    { name: 'window closed', first: 1_000, window: 60_000, now: 61_000, write: true },
  ];
  for (const c of table)
    it(c.name, () => {
      assert.equal(mayWrite({ firstPending: c.first }, c.window, c.now), c.write);
    });

  it('remembers the first pending time and forgets it after a write', () => {
    let state = afterCycle({ firstPending: undefined }, 'dry-run', 5);
    assert.equal(state.firstPending, 5);
    state = afterCycle(state, 'dry-run', 9);
    assert.equal(state.firstPending, 5, 'the window starts at the first sighting');
    assert.equal(afterCycle(state, 'push-failed', 20).firstPending, 5);
    assert.equal(afterCycle(state, 'committed', 20).firstPending, undefined);
    assert.equal(afterCycle(state, 'no-change', 20).firstPending, undefined);
  });

  it('sleeps only until the window closes', () => {
    assert.equal(nextDelay({ firstPending: undefined }, 60_000, 300_000, 0), 300_000);
    assert.equal(nextDelay({ firstPending: 0 }, 60_000, 300_000, 10_000), 50_000);
    assert.equal(nextDelay({ firstPending: 0 }, 600_000, 300_000, 10_000), 300_000);
    assert.equal(nextDelay({ firstPending: 0 }, 60_000, 300_000, 90_000), 0);
  });
});
