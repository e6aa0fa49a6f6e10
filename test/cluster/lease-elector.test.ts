import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directLeaseAccess } from '../../src/cluster/lease-access.js';
import { LeaseElector, type LeadershipChange } from '../../src/cluster/lease-elector.js';
import { systemClock } from '../../src/cluster/clock.js';
import {
  RELEASE_NAMESPACE,
  startTestCluster,
  type TestCluster,
} from '../support/kube-api/cluster.js';

const TIMINGS = { durationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 500 };

async function until(condition: () => boolean, what: string, timeoutMs = 6_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

describe('LeaseElector (coordination.k8s.io/v1 Lease on the API-server double)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.stop());

  function elector(name: string, identity: string, wallClockOffsetMs = 0): LeaseElector {
    return new LeaseElector({
      name,
      identity,
      access: directLeaseAccess(cluster.client()),
      timings: TIMINGS,
      clock: systemClock(wallClockOffsetMs),
    });
  }

  it('one holder at a time; a standby takes over only after the lease duration it observed; release hands over at once', async () => {
    const a = elector('tagpilot-leader-1', 'replica-a');
    const b = elector('tagpilot-leader-1', 'replica-b');
    a.start();
    await until(() => a.isLeader(), 'a to lead');
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    assert.equal(b.isLeader(), false, 'b must not lead while a renews');
    assert.equal(b.holder(), 'replica-a');
    assert.ok(a.mayAct());
    assert.ok(
      a.lastRenewAge() < TIMINGS.retryPeriodMs + 300,
      `renewed every retry period (age ${a.lastRenewAge()})`,
    );
    const lease = cluster.double.get('leases', RELEASE_NAMESPACE, 'tagpilot-leader-1');
    const spec = lease?.spec as {
      holderIdentity?: string;
      leaseDurationSeconds?: number;
      renewTime?: string;
      leaseTransitions?: number;
    };
    assert.equal(spec.holderIdentity, 'replica-a');
    assert.equal(spec.leaseDurationSeconds, 2);
    assert.match(spec.renewTime ?? '', /\.\d{6}Z$/);

    await a.stop();
    assert.equal(a.isLeader(), false);
    const waited = await until(() => b.isLeader(), 'b to take over after the release');
    assert.ok(
      waited < TIMINGS.retryPeriodMs * 2.2 + 300,
      `a released Lease is taken within a retry period (took ${Math.round(waited)} ms)`,
    );
    const after = cluster.double.get('leases', RELEASE_NAMESPACE, 'tagpilot-leader-1')?.spec as {
      leaseTransitions?: number;
    };
    assert.equal(after.leaseTransitions, 1);
    await b.stop();
  });

  it('a dead holder (no release) is replaced within lease duration + retry period, not earlier', async () => {
    const a = elector('tagpilot-leader-2', 'replica-a');
    a.start();
    await until(() => a.isLeader(), 'a to lead');
    const b = elector('tagpilot-leader-2', 'replica-b');
    b.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Simulate SIGKILL: the loop stops, nothing is released.
    const killed = performance.now();
    await a.stop({ release: false });
    await until(() => b.isLeader(), 'b to take over', 8_000);
    const tookOver = performance.now() - killed;
    assert.ok(
      tookOver >= TIMINGS.durationMs - 600,
      `not before the lease could have expired (${Math.round(tookOver)} ms)`,
    );
    assert.ok(
      tookOver <= TIMINGS.durationMs + TIMINGS.retryPeriodMs * 2.2 + 500,
      `within lease + retry (${Math.round(tookOver)} ms)`,
    );
    await b.stop();
  });

  it('a 409 on renew steps down at once (mayAct false before the next push)', async () => {
    const a = elector('tagpilot-leader-3', 'replica-a');
    const changes: LeadershipChange[] = [];
    a.onChange((change) => changes.push(change));
    a.start();
    await until(() => a.isLeader(), 'a to lead');
    // Another writer changes the Lease: a's next renew carries a stale resourceVersion.
    const lease = cluster.double.get('leases', RELEASE_NAMESPACE, 'tagpilot-leader-3');
    assert.ok(lease !== undefined);
    cluster.double.put('leases', {
      ...lease,
      spec: { ...(lease.spec as object), holderIdentity: 'intruder' },
    });
    const stepped = await until(() => !a.isLeader(), 'a to step down', 2_000);
    assert.ok(
      stepped <= TIMINGS.retryPeriodMs + 300,
      `stepped down at the first renew (${Math.round(stepped)} ms)`,
    );
    assert.equal(a.mayAct(), false);
    assert.deepEqual(
      changes.map((change) => (change.leading ? 'leading' : change.reason)),
      ['leading', 'conflict'],
    );
    await a.stop();
    // The intruder's Lease is not released by a (a no longer holds it).
    const spec = cluster.double.get('leases', RELEASE_NAMESPACE, 'tagpilot-leader-3')?.spec as {
      holderIdentity?: string;
    };
    assert.equal(spec.holderIdentity, 'intruder');
  });

  it('a replica whose wall clock is an hour ahead does not take over early', async () => {
    const a = elector('tagpilot-leader-4', 'replica-a');
    a.start();
    await until(() => a.isLeader(), 'a to lead');
    const ahead = elector('tagpilot-leader-4', 'replica-ahead', 3_600_000);
    ahead.start();
    // renewTime written by a is "an hour old" on ahead's clock; expiry must not read it.
    await new Promise((resolve) => setTimeout(resolve, TIMINGS.durationMs + 800));
    assert.equal(ahead.isLeader(), false);
    assert.equal(a.isLeader(), true);
    await a.stop();
    await until(() => ahead.isLeader(), 'ahead to take the released Lease');
    await ahead.stop();
  });

  it('steps down when renewing fails past the renew deadline (API server unreachable)', async () => {
    const a = elector('tagpilot-leader-5', 'replica-a');
    a.start();
    await until(() => a.isLeader(), 'a to lead');
    cluster.double.failNext({
      verb: 'update',
      resource: 'leases',
      name: 'tagpilot-leader-5',
      status: 503,
      times: 100,
    });
    const stepped = await until(() => !a.isLeader(), 'a to step down', 4_000);
    assert.ok(
      stepped >= TIMINGS.renewDeadlineMs - TIMINGS.retryPeriodMs - 200,
      `kept leading until the deadline (${Math.round(stepped)} ms)`,
    );
    assert.equal(a.mayAct(), false);
    await a.stop();
  });
});
