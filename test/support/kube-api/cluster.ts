/**
 * Test wiring for the API-server double: a TLS double with an openssl CA, tagpilot's service
 * account (granted exactly `RBAC_RULES`), an administrator for seeding, and clients built with
 * `KubeConfig.loadFromOptions` — the production client — or an in-cluster service account
 * directory (token, ca.crt, namespace) for a child process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { clientFor, type ClusterClient } from '../../../src/cluster/connect.js';
import type { RbacCondition } from '../../../src/cluster/rbac.js';
import {
  ADMIN_TOKEN,
  grantsFor,
  SERVICE_ACCOUNT_TOKEN,
  SERVICE_ACCOUNT_USER,
  RELEASE_NAMESPACE,
} from './grants.js';
import type { Grant } from './resources.js';
import { KubeApiDouble, type KubeObject } from './server.js';
import { makeCertificates, type TestCertificates } from './tls.js';

export {
  ADMIN_TOKEN,
  grantsFor,
  RELEASE_NAMESPACE,
  SERVICE_ACCOUNT_TOKEN,
  SERVICE_ACCOUNT_USER,
} from './grants.js';

let shared: TestCertificates | undefined;

/** One CA per test process (openssl runs once). */
export function testCertificates(): TestCertificates {
  shared ??= makeCertificates();
  return shared;
}

export interface TestCluster {
  readonly double: KubeApiDouble;
  readonly certificates: TestCertificates;
  readonly url: string;
  /** tagpilot's service account (or another token) through the production client. */
  client(options?: {
    readonly token?: string;
    readonly namespace?: string;
    readonly watchIdleTimeoutMs?: number;
  }): ClusterClient;
  /** A Pod's service account directory: token, ca.crt, namespace. */
  serviceAccountDir(token?: string): string;
  seed(resource: string, object: KubeObject): KubeObject;
  stop(): Promise<void>;
}

export async function startTestCluster(
  options: {
    readonly workloadNamespaces?: readonly string[];
    readonly conditions?: readonly RbacCondition[];
    readonly grants?: readonly Grant[];
    readonly bookmarkIntervalMs?: number;
  } = {},
): Promise<TestCluster> {
  const certificates = testCertificates();
  const double = new KubeApiDouble({
    certificates,
    ...(options.bookmarkIntervalMs === undefined
      ? {}
      : { bookmarkIntervalMs: options.bookmarkIntervalMs }),
  });
  const url = await double.start();
  double.addToken(SERVICE_ACCOUNT_TOKEN, {
    user: SERVICE_ACCOUNT_USER,
    grants:
      options.grants ??
      grantsFor({
        workloadNamespaces: options.workloadNamespaces,
        ...(options.conditions === undefined ? {} : { conditions: options.conditions }),
      }),
  });
  double.addToken(ADMIN_TOKEN, { user: 'kubernetes-admin', grants: 'all' });
  return {
    double,
    certificates,
    url,
    client: (clientOptions = {}) => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [
          { name: 'double', server: url, caFile: certificates.caFile, skipTLSVerify: false },
        ],
        users: [{ name: 'user', token: clientOptions.token ?? SERVICE_ACCOUNT_TOKEN }],
        contexts: [{ name: 'double', cluster: 'double', user: 'user' }],
        currentContext: 'double',
      });
      return clientFor(
        kubeConfig,
        clientOptions.namespace ?? RELEASE_NAMESPACE,
        clientOptions.watchIdleTimeoutMs === undefined
          ? {}
          : { watchIdleTimeoutMs: clientOptions.watchIdleTimeoutMs },
      );
    },
    serviceAccountDir: (token = SERVICE_ACCOUNT_TOKEN) => {
      const dir = join(mkdtempSync(join(tmpdir(), 'tagpilot-sa-')), 'serviceaccount');
      mkdirSync(dir);
      writeFileSync(join(dir, 'token'), token);
      writeFileSync(join(dir, 'ca.crt'), certificates.ca);
      writeFileSync(join(dir, 'namespace'), RELEASE_NAMESPACE);
      return dir;
    },
    seed: (resource, object) => double.put(resource, object),
    stop: () => double.stop(),
  };
}

/** A Deployment as `kubectl apply` would leave it (enough of it for tagpilot). */
export function deployment(
  namespace: string,
  name: string,
  options: {
    readonly image?: string;
    readonly annotations?: Record<string, string>;
    readonly serviceAccountName?: string;
    readonly imagePullSecrets?: readonly string[];
  } = {},
): KubeObject {
  return {
    metadata: {
      name,
      namespace,
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(options.serviceAccountName === undefined
            ? {}
            : { serviceAccountName: options.serviceAccountName }),
          ...(options.imagePullSecrets === undefined
            ? {}
            : { imagePullSecrets: options.imagePullSecrets.map((secret) => ({ name: secret })) }),
          containers: [{ name, image: options.image ?? 'nginx:1.25.0' }],
        },
      },
    },
  };
}
