/** The event loop heartbeat behind `/livez`, driven by a clock of the test's own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLoopMonitor } from '../../src/server/event-loop.js';

describe('EventLoopMonitor', () => {
  it('reports the lag of a late tick until the next tick on time', () => {
    let now = 0;
    const monitor = new EventLoopMonitor(() => now);
    now = 1000;
    monitor.tick();
    assert.equal(monitor.lagMs(), 0);
    now = 8000; // the timer fired 6 s late: the loop was blocked
    monitor.tick();
    assert.equal(monitor.lagMs(), 6000);
    now = 9000;
    monitor.tick();
    assert.equal(monitor.lagMs(), 0);
  });

  it('counts an overdue tick as lag even before the timer fires', () => {
    let now = 0;
    const monitor = new EventLoopMonitor(() => now);
    now = 12_000;
    assert.equal(monitor.lagMs(), 11_000);
  });
});
