import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkloadWatcher, type WorkloadEvent } from '../../src/cluster/workloads.js';
import { deployment, startTestCluster, type TestCluster } from '../support/kube-api/cluster.js';

const OPTIONS = { relistIntervalMs: 60_000, retryBaseMs: 50, retryMaxMs: 400 };

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WorkloadWatcher (list + watch against the API-server double)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ workloadNamespaces: ['prod', 'staging'] });
  });
  after(() => cluster.stop());

  it('lists, then follows changes; relists after 410 Gone; re-watches after a dropped connection', async () => {
    cluster.seed('deployments', deployment('prod', 'api', { image: 'acme/api:1.0.0' }));
    const watcher = new WorkloadWatcher(cluster.client(), ['prod'], OPTIONS);
    const events: WorkloadEvent[] = [];
    watcher.on((event) => events.push(event));
    watcher.start();
    try {
      assert.equal(watcher.hasSynced, false);
      await watcher.synced();
      assert.equal(watcher.hasSynced, true);
      assert.deepEqual(watcher.get('Deployment', 'prod', 'api')?.containers, [
        { name: 'api', image: 'acme/api:1.0.0' },
      ]);

      cluster.seed('deployments', deployment('prod', 'api', { image: 'acme/api:1.1.0' }));
      await until(
        () => watcher.get('Deployment', 'prod', 'api')?.containers[0]?.image === 'acme/api:1.1.0',
        'the MODIFIED event',
      );

      // Compact history and cut every stream: watchers whose resourceVersion is now too old get
      // 410 Expired and must relist; the change made while they were away must show up.
      cluster.double.compact();
      cluster.double.dropWatches();
      cluster.seed('statefulsets', {
        metadata: { name: 'db', namespace: 'prod' },
        spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres:16.1' }] } } },
      });
      cluster.double.compact();
      await until(
        () => watcher.get('StatefulSet', 'prod', 'db') !== undefined,
        'the StatefulSet after relist',
      );
      const reasons = events.flatMap((event) =>
        event.type === 'restart' ? [event.event.reason] : [],
      );
      assert.ok(reasons.includes('gone'), `expected a 410 relist, saw ${reasons.join(',')}`);
      assert.ok(
        reasons.includes('error'),
        `expected the dropped connections to count, saw ${reasons.join(',')}`,
      );

      cluster.double.remove('deployments', 'prod', 'api');
      await until(
        () => watcher.get('Deployment', 'prod', 'api') === undefined,
        'the DELETED event',
      );
      assert.ok(events.some((event) => event.type === 'delete' && event.workload.name === 'api'));
    } finally {
      await watcher.stop();
    }
    // Namespaced mode: every request stayed inside the namespace it was given.
    const workloadRequests = cluster.double.requests.filter(
      (request) =>
        ['deployments', 'statefulsets', 'daemonsets', 'cronjobs'].includes(request.resource) &&
        request.user.startsWith('system:'),
    );
    assert.ok(workloadRequests.length > 0);
    assert.ok(
      workloadRequests.every((request) => request.namespace === 'prod' && request.status === 200),
    );
  });

  it('restarts a silently stalled watch (the client inactivity timeout) and keeps following', async () => {
    const watcher = new WorkloadWatcher(
      cluster.client({ watchIdleTimeoutMs: 400 }),
      ['staging'],
      OPTIONS,
    );
    const restarts: string[] = [];
    watcher.on((event) => {
      if (event.type === 'restart') restarts.push(event.event.reason);
    });
    watcher.start();
    try {
      await watcher.synced();
      cluster.double.stallWatches();
      await until(() => restarts.includes('idle'), 'an idle restart', 3_000);
      cluster.double.stallWatches(false);
      cluster.seed('daemonsets', {
        metadata: { name: 'agent', namespace: 'staging' },
        spec: { template: { spec: { containers: [{ name: 'agent', image: 'acme/agent:2' }] } } },
      });
      await until(
        () => watcher.get('DaemonSet', 'staging', 'agent') !== undefined,
        'the DaemonSet after the stall',
      );
    } finally {
      await watcher.stop();
    }
  });

  it('keeps retrying with back-off when listing fails (5xx, 403), and syncs once it works', async () => {
    cluster.double.failNext({ verb: 'list', resource: 'cronjobs', status: 503, times: 2 });
    cluster.double.failNext({ verb: 'list', resource: 'cronjobs', status: 403, times: 1 });
    const watcher = new WorkloadWatcher(cluster.client(), ['staging'], OPTIONS);
    const errors: string[] = [];
    watcher.on((event) => {
      if (event.type === 'restart' && event.event.error !== undefined)
        errors.push(event.event.error.code);
    });
    watcher.start();
    try {
      await watcher.synced();
      assert.deepEqual(errors, ['CLUSTER_UNAVAILABLE', 'CLUSTER_UNAVAILABLE', 'CLUSTER_FORBIDDEN']);
    } finally {
      await watcher.stop();
    }
  });

  it('reads the pod template of each kind (CronJob: jobTemplate) and defaults the ServiceAccount', async () => {
    cluster.seed('cronjobs', {
      metadata: { name: 'report', namespace: 'staging', uid: 'ignored' },
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                serviceAccountName: 'reporter',
                imagePullSecrets: [{ name: 'regcred' }],
                containers: [{ name: 'r', image: 'acme/report:3' }],
              },
            },
          },
        },
      },
    });
    cluster.seed('deployments', deployment('staging', 'web'));
    const watcher = new WorkloadWatcher(cluster.client(), ['staging'], OPTIONS);
    watcher.start();
    try {
      await watcher.synced();
      const cron = watcher.get('CronJob', 'staging', 'report');
      assert.ok(cron !== undefined);
      assert.equal(cron.serviceAccountName, 'reporter');
      assert.deepEqual(cron.imagePullSecrets, ['regcred']);
      assert.deepEqual(cron.containers, [{ name: 'r', image: 'acme/report:3' }]);
      assert.equal(cron.apiVersion, 'batch/v1');
      assert.match(cron.uid, /^[0-9a-f-]{36}$/);
      assert.equal(watcher.get('Deployment', 'staging', 'web')?.serviceAccountName, 'default');
    } finally {
      await watcher.stop();
    }
  });
});
