import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../src/cluster/connect.js';
import { ClusterConfigError } from '../../src/cluster/errors.js';
import { loadConfig } from '../../src/config/index.js';
import {
  RELEASE_NAMESPACE,
  SERVICE_ACCOUNT_TOKEN,
  startTestCluster,
  type TestCluster,
} from '../support/kube-api/cluster.js';

describe('cluster connection (config → KubeConfig)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ workloadNamespaces: ['prod'] });
  });
  after(() => cluster.stop());

  const dir = mkdtempSync(join(tmpdir(), 'tagpilot-connect-'));

  it('uses no cluster without an explicit kubeconfig or a service account, whatever $KUBECONFIG says', () => {
    const kubeconfig = join(dir, 'ignored.yaml');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const { config } = loadConfig({ cwd: dir, env: { HOME: dir, KUBECONFIG: kubeconfig } });
    assert.deepEqual(config.cluster.connection, {
      kind: 'none',
      reason: 'no kubeconfig given and KUBERNETES_SERVICE_HOST is not set',
    });
    assert.equal(connectCluster(config.cluster.connection), undefined);
    const noToken = loadConfig({
      cwd: dir,
      env: {
        HOME: dir,
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        TAGPILOT_CLUSTER_SERVICE_ACCOUNT_DIR: join(dir, 'none'),
      },
    });
    assert.equal(noToken.config.cluster.connection.kind, 'none');
  });

  it('in a Pod: the service account token, ca.crt and namespace, KUBERNETES_SERVICE_HOST/PORT', async () => {
    const serviceAccountDir = cluster.serviceAccountDir();
    const port = new URL(cluster.url).port;
    const { config } = loadConfig({
      cwd: dir,
      env: {
        HOME: dir,
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: port,
        TAGPILOT_CLUSTER_SERVICE_ACCOUNT_DIR: serviceAccountDir,
      },
    });
    assert.equal(config.cluster.connection.kind, 'in-cluster');
    const client = connectCluster(config.cluster.connection);
    assert.ok(client !== undefined);
    assert.equal(client.namespace, RELEASE_NAMESPACE);
    const list = await client.apps.listNamespacedDeployment({ namespace: 'prod' });
    assert.deepEqual(list.items, []);
    assert.equal(
      cluster.double.requests.at(-1)?.user,
      'system:serviceaccount:tagpilot-system:tagpilot',
    );
  });

  it('an explicit kubeconfig (flag or cluster.kubeconfig), with its context and namespace', async () => {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: double\n  cluster:\n    server: ${cluster.url}\n    certificate-authority: ${cluster.certificates.caFile}`,
        `users:\n- name: sa\n  user:\n    token: ${SERVICE_ACCOUNT_TOKEN}`,
        'contexts:',
        `- name: other\n  context:\n    cluster: double\n    user: sa\n    namespace: elsewhere`,
        `- name: release\n  context:\n    cluster: double\n    user: sa\n    namespace: ${RELEASE_NAMESPACE}`,
        'current-context: other',
        '',
      ].join('\n'),
    );
    const { config } = loadConfig({
      cwd: dir,
      env: { HOME: dir },
      overrides: [
        { path: ['cluster', 'kubeconfig'], value: 'kubeconfig.yaml', flag: '--kubeconfig' },
        { path: ['cluster', 'context'], value: 'release', flag: '--context' },
      ],
    });
    assert.deepEqual(config.cluster.connection, { kind: 'kubeconfig', file, context: 'release' });
    const client = connectCluster(config.cluster.connection);
    assert.ok(client !== undefined);
    assert.equal(client.namespace, RELEASE_NAMESPACE);
    assert.deepEqual((await client.apps.listNamespacedDeployment({ namespace: 'prod' })).items, []);
    assert.throws(
      () => connectCluster({ kind: 'kubeconfig', file, context: 'missing' }),
      (error: unknown) =>
        error instanceof ClusterConfigError && /no context "missing"/.test(error.message),
    );
    assert.throws(
      () => connectCluster({ kind: 'kubeconfig', file: join(dir, 'absent.yaml') }),
      ClusterConfigError,
    );
  });

  it('refuses inconsistent lease timings with the config file line', () => {
    const file = join(dir, 'tagpilot.yaml');
    writeFileSync(file, 'cluster:\n  lease:\n    duration: 2s\n    renewDeadline: 3s\n');
    assert.throws(
      () => loadConfig({ cwd: dir, env: { HOME: dir } }),
      /renewDeadline must be shorter than lease.duration/,
    );
  });
});
