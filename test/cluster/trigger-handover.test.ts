import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handoverName, TriggerHandover } from '../../src/cluster/trigger-handover.js';
import {
  RELEASE_NAMESPACE,
  startTestCluster,
  type TestCluster,
} from '../support/kube-api/cluster.js';

const OPTIONS = { relistIntervalMs: 60_000, retryBaseMs: 50, retryMaxMs: 400 };
const REPO = 'https://git.example/acme/deploy.git';

describe('TriggerHandover (ConfigMaps in the release namespace)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(() => cluster.stop());

  it('a standby appends, the owner is told and drains; concurrent appends are not lost (409 retried)', async () => {
    const owner = new TriggerHandover(cluster.client(), 'replica-owner', OPTIONS);
    const standby = new TriggerHandover(cluster.client(), 'replica-standby', OPTIONS);
    const pending: string[] = [];
    owner.onPending((repository) => pending.push(repository));
    owner.start();
    await owner.watcher.synced();
    try {
      await Promise.all([
        standby.handOver(REPO, { kind: 'registry', image: 'reg.example/acme/api' }),
        standby.handOver(REPO, { kind: 'git' }),
        owner.handOver(REPO, { kind: 'manual' }),
      ]);
      const name = handoverName(REPO);
      assert.match(name, /^tagpilot-trigger-[0-9a-f]{16}$/);
      const stored = cluster.double.get('configmaps', RELEASE_NAMESPACE, name);
      assert.equal(Object.keys(stored?.data as Record<string, string>).length, 3);
      const deadline = Date.now() + 3_000;
      while (!pending.includes(REPO) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(pending.includes(REPO));
      const drained = await owner.drain(REPO);
      assert.deepEqual(drained.map((trigger) => trigger.kind).sort(), [
        'git',
        'manual',
        'registry',
      ]);
      assert.equal(
        drained.find((trigger) => trigger.kind === 'registry')?.image,
        'reg.example/acme/api',
      );
      assert.equal(drained.find((trigger) => trigger.kind === 'git')?.from, 'replica-standby');
      assert.deepEqual(await owner.drain(REPO), []);
      const after = cluster.double.get('configmaps', RELEASE_NAMESPACE, name);
      assert.deepEqual(after?.data ?? {}, {});
      assert.match(
        after?.metadata.annotations?.['tagpilot.io/last-drained-by'] ?? '',
        /^replica-owner /,
      );
      assert.equal(after?.metadata.annotations?.['tagpilot.io/repository'], REPO);
      assert.ok(
        cluster.double.requests.some(
          (request) => request.resource === 'configmaps' && request.status === 409,
        ),
        'the concurrent appends did race',
      );
    } finally {
      await owner.stop();
    }
  });
});
