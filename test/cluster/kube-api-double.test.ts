/**
 * The double itself, through the production client: the conventions tagpilot relies on are
 * really enforced (else tests against it would prove nothing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toClusterError } from '../../src/cluster/errors.js';
import {
  ADMIN_TOKEN,
  RELEASE_NAMESPACE,
  startTestCluster,
  type TestCluster,
} from '../support/kube-api/cluster.js';

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error: unknown) {
    const typed = toClusterError(error, 'request');
    return {
      code: typed.code,
      status: (typed as { status?: number }).status ?? -1,
      message: typed.message,
    };
  }
  return assert.fail('expected the request to fail');
}

describe('the API-server double', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ workloadNamespaces: ['prod'] });
  });
  after(() => cluster.stop());

  it('enforces resourceVersion preconditions and unique names with 409s', async () => {
    const client = cluster.client();
    const created = await client.coordination.createNamespacedLease({
      namespace: RELEASE_NAMESPACE,
      body: { metadata: { name: 'l1' }, spec: { holderIdentity: 'a' } },
    });
    assert.equal(
      (
        await failure(
          client.coordination.createNamespacedLease({
            namespace: RELEASE_NAMESPACE,
            body: { metadata: { name: 'l1' } },
          }),
        )
      ).status,
      409,
    );
    const updated = await client.coordination.replaceNamespacedLease({
      name: 'l1',
      namespace: RELEASE_NAMESPACE,
      body: { ...created, spec: { holderIdentity: 'b' } },
    });
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
    const stale = await failure(
      client.coordination.replaceNamespacedLease({
        name: 'l1',
        namespace: RELEASE_NAMESPACE,
        body: { ...created, spec: { holderIdentity: 'c' } },
      }),
    );
    assert.equal(stale.code, 'CLUSTER_CONFLICT');
    assert.match(stale.message, /the object has been modified/);
  });

  it("refuses what is not granted with the API server's 403, and unknown tokens with 401", async () => {
    const forbidden = await failure(
      cluster.client().apps.listNamespacedDeployment({ namespace: 'kube-system' }),
    );
    assert.equal(forbidden.code, 'CLUSTER_FORBIDDEN');
    assert.match(
      forbidden.message,
      /deployments\.apps is forbidden: User "system:serviceaccount:tagpilot-system:tagpilot" cannot list resource "deployments" in API group "apps" in the namespace "kube-system"/,
    );
    const secretsList = await failure(
      cluster.client({ token: ADMIN_TOKEN }).core.listNamespacedSecret({ namespace: 'prod' }),
    );
    assert.equal(secretsList.status, 405, 'secrets are served for get only');
    assert.equal(
      (
        await failure(
          cluster
            .client({ token: 'wrong' })
            .core.readNamespacedSecret({ namespace: 'prod', name: 'x' }),
        )
      ).status,
      401,
    );
  });

  it('validates events.k8s.io/v1 Events as the API server does (MicroTime, required fields, note size)', async () => {
    const client = cluster.client();
    const event = {
      metadata: { name: 'e1', namespace: 'prod' },
      eventTime: '2026-01-02T03:04:05.123Z' as unknown as Date,
      type: 'Normal',
      reason: 'R',
      action: 'A',
      reportingController: 'tagpilot.io/controller',
      reportingInstance: 'i',
      regarding: { kind: 'Deployment', name: 'x', namespace: 'prod' },
    };
    const millis = await failure(
      client.events.createNamespacedEvent({ namespace: 'prod', body: event }),
    );
    assert.equal(millis.code, 'CLUSTER_INVALID');
    assert.match(millis.message, /eventTime/);
    const long = await failure(
      client.events.createNamespacedEvent({
        namespace: 'prod',
        body: {
          ...event,
          eventTime: '2026-01-02T03:04:05.123456Z' as unknown as Date,
          note: 'x'.repeat(1025),
        },
      }),
    );
    assert.match(long.message, /note: Too long/);
  });
});
