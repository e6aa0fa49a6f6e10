import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PullSecretReader } from '../../src/cluster/pull-secrets.js';
import type { LiveWorkload } from '../../src/cluster/workloads.js';
import { startTestCluster, type TestCluster } from '../support/kube-api/cluster.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

function workload(
  namespace: string,
  serviceAccountName: string,
  imagePullSecrets: string[] = [],
): LiveWorkload {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name: 'api',
    uid: 'u',
    resourceVersion: '1',
    annotations: {},
    serviceAccountName,
    imagePullSecrets,
    containers: [],
  };
}

describe('PullSecretReader', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ workloadNamespaces: ['prod'] });
    cluster.seed('secrets', {
      metadata: { name: 'regcred', namespace: 'prod' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{"auths":{"reg.example:5000":{"auth":"dTpw"}}}') },
    });
    cluster.seed('secrets', {
      metadata: { name: 'legacy', namespace: 'prod' },
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': b64('{"old.example":{"auth":"dTpw"}}') },
    });
    cluster.seed('secrets', {
      metadata: { name: 'opaque', namespace: 'prod' },
      type: 'Opaque',
      data: { password: b64('x') },
    });
    cluster.seed('serviceaccounts', {
      metadata: { name: 'builder', namespace: 'prod' },
      imagePullSecrets: [{ name: 'legacy' }, { name: 'regcred' }],
    });
  });
  after(() => cluster.stop());

  it("reads the pod's secrets then its ServiceAccount's, both formats, with get only, cached by resourceVersion", async () => {
    let now = 0;
    const reader = new PullSecretReader(cluster.client(), { refreshMs: 1_000, now: () => now });
    const first = await reader.forWorkload(workload('prod', 'builder', ['regcred', 'opaque']));
    assert.deepEqual(
      first.secrets.map((secret) => secret.name),
      ['regcred', 'legacy'],
    );
    assert.equal(
      first.secrets[0]?.dockerConfigJson,
      '{"auths":{"reg.example:5000":{"auth":"dTpw"}}}',
    );
    assert.equal(first.secrets[1]?.dockerConfigJson, '{"auths":{"old.example":{"auth":"dTpw"}}}');
    assert.deepEqual(
      first.problems.map((problem) => problem.message),
      [
        'Secret prod/opaque: type Opaque is not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg',
      ],
    );
    const requestsAfterFirst = cluster.double.requests.length;
    await reader.forWorkload(workload('prod', 'builder', ['regcred', 'opaque']));
    assert.equal(
      cluster.double.requests.length,
      requestsAfterFirst,
      'served from the cache within refreshMs',
    );
    now = 5_000;
    cluster.seed('secrets', {
      metadata: { name: 'regcred', namespace: 'prod' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{"auths":{"reg.example:5000":{"auth":"bmV3OnB3"}}}') },
    });
    const refreshed = await reader.forWorkload(workload('prod', 'builder', ['regcred']));
    assert.match(refreshed.secrets[0]?.dockerConfigJson ?? '', /bmV3OnB3/);
    const secretVerbs = new Set(
      cluster.double.requests
        .filter((request) => request.resource === 'secrets' && request.user.startsWith('system:'))
        .map((request) => request.verb),
    );
    assert.deepEqual([...secretVerbs], ['get']);
  });

  it('a missing ServiceAccount or Secret is a problem of that workload, not an error; 403 is reported', async () => {
    const reader = new PullSecretReader(cluster.client());
    const result = await reader.forWorkload(workload('prod', 'nobody', ['missing']));
    assert.deepEqual(result.secrets, []);
    assert.deepEqual(
      result.problems.map((problem) => problem.message),
      ['Secret prod/missing: not found'],
    );
    const elsewhere = await reader.forWorkload(workload('other', 'default', ['regcred']));
    assert.deepEqual(
      elsewhere.problems.map((problem) => problem.error?.code),
      ['CLUSTER_FORBIDDEN', 'CLUSTER_FORBIDDEN'],
    );
  });
});
