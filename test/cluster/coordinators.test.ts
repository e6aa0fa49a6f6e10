import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  LeaderCoordinator,
  ShardedCoordinator,
  type OwnershipChange,
} from '../../src/cluster/coordinators.js';
import type { HandoverTrigger } from '../../src/cluster/trigger-handover.js';
import { startTestCluster, type TestCluster } from '../support/kube-api/cluster.js';

const TIMINGS = { durationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 500 };
// Sharding runs 3 replicas × 13 Leases in this one process (30 renews/s at the short timings);
// on a loaded 2-core machine that starves the event loop past a 1.5 s renew deadline, so the
// sharded scenario uses twice the short timings (still far below Flux's 35/30/5 s).
const SHARDED_TIMINGS = { durationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 };
const WATCH = { relistIntervalMs: 60_000, retryBaseMs: 50, retryMaxMs: 400 };
const REPOS = Array.from({ length: 12 }, (_, i) => `https://git.example/acme/repo-${i}.git`);

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs)
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}

describe('Lease coordinators on the API-server double', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ conditions: ['coordination'] });
  });
  after(() => cluster.stop());

  it("sharded: 3 replicas × 12 repositories — one owner each, none above ⌈M/N⌉+1; a killed replica's repositories move within lease + retry", async () => {
    const replicas = ['replica-a', 'replica-b', 'replica-c'].map(
      (identity) =>
        new ShardedCoordinator({
          client: cluster.client(),
          identity,
          timings: SHARDED_TIMINGS,
          watch: WATCH,
        }),
    );
    const changes: OwnershipChange[] = [];
    for (const replica of replicas) replica.onChange((change) => changes.push(change));
    await Promise.all(replicas.map((replica) => replica.start(REPOS)));
    const owners = (alive: readonly ShardedCoordinator[]) =>
      REPOS.map((repo) => alive.filter((replica) => replica.owns(repo)).length);
    try {
      const settled = () =>
        owners(replicas).every((count) => count === 1) &&
        replicas.every((replica) => replica.owned().length <= 5);
      await until(settled, 'every repository owned once, none above 5', 20_000);
      // The safety property: never two replicas allowed to push one repository. (A replica that
      // has not yet seen its 409 may still believe it owns; mayPush is what guards a push.)
      for (let i = 0; i < 10; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const pushers = REPOS.map(
          (repo) => replicas.filter((replica) => replica.mayPush(repo)).length,
        );
        assert.ok(
          pushers.every((count) => count <= 1),
          'never two pushers',
        );
      }
      assert.ok(replicas.every((replica) => replica.owned().length <= Math.ceil(12 / 3) + 1));
      assert.ok(
        replicas.every((replica) => replica.owned().length >= 1),
        `all take part: ${replicas.map((replica) => replica.owned().length).join(',')}`,
      );

      const [victim, ...survivors] = replicas as [ShardedCoordinator, ...ShardedCoordinator[]];
      const orphaned = victim.owned();
      const killedAt = performance.now();
      await victim.stop({ release: false });
      await until(
        () => orphaned.every((repo) => survivors.some((replica) => replica.owns(repo))),
        'the orphaned repositories to move',
        12_000,
      );
      const moved = performance.now() - killedAt;
      assert.ok(
        moved <= SHARDED_TIMINGS.durationMs + SHARDED_TIMINGS.retryPeriodMs * 2.2 + 1_500,
        `moved in ${Math.round(moved)} ms`,
      );
      await until(
        () => owners(survivors).every((count) => count === 1),
        'all 12 owned by the 2 survivors',
        10_000,
      );
      assert.ok(survivors.every((replica) => replica.owned().length <= Math.ceil(12 / 2) + 1));
      assert.ok(changes.some((change) => change.owned));
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });

  it('leader: one holder owns everything; a trigger handed to a standby reaches the owner', async () => {
    const options = (identity: string) => ({
      client: cluster.client(),
      identity,
      timings: TIMINGS,
      watch: WATCH,
      leaseName: 'tagpilot-leader-test',
    });
    const first = new LeaderCoordinator(options('replica-1'));
    const second = new LeaderCoordinator(options('replica-2'));
    const received: { repository: string; triggers: readonly HandoverTrigger[] }[] = [];
    for (const replica of [first, second])
      replica.onTriggers((repository, triggers) => received.push({ repository, triggers }));
    await first.start(REPOS.slice(0, 3));
    await until(() => first.owns(REPOS[0] ?? ''), 'the first replica to lead', 5_000);
    await second.start(REPOS.slice(0, 3));
    try {
      assert.equal(second.owns(REPOS[0] ?? ''), false);
      assert.ok(first.mayPush(REPOS[1] ?? ''));
      assert.equal(second.mayPush(REPOS[1] ?? ''), false);
      await second.handOver(REPOS[2] ?? '', { kind: 'registry', image: 'reg.example/acme/api' });
      await until(() => received.length > 0, 'the owner to drain the handed-over trigger', 5_000);
      assert.equal(received[0]?.repository, REPOS[2]);
      assert.deepEqual(
        received[0]?.triggers.map((trigger) => [trigger.kind, trigger.image, trigger.from]),
        [['registry', 'reg.example/acme/api', 'replica-2']],
      );
      // Failover: the leader stops (releases); the standby takes over and owns everything.
      await first.stop();
      await until(() => second.owns(REPOS[0] ?? ''), 'the standby to take over', 4_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
