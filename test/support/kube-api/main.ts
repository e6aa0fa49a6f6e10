/**
 * The API-server double as its own process, for tests that run tagpilot (or anything else) as a
 * child process in in-cluster mode:
 *
 *   node --import tsx test/support/kube-api/main.ts --dir DIR [--port N] [--namespaces a,b]
 *
 * It writes DIR/serviceaccount/{token,ca.crt,namespace} (mount it as cluster.serviceAccountDir)
 * and prints one JSON line with `url`, `host`, `port`, `serviceAccountDir`, `caFile`,
 * `adminToken`, then serves until SIGTERM/SIGINT. The service account is granted exactly
 * RBAC_RULES (workload rules in `--namespaces`, or cluster-wide without it). Seed objects and
 * inject faults through the control API (`/_double/...`, admin token; see server.ts), or with the
 * production client and the admin token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ADMIN_TOKEN,
  grantsFor,
  RELEASE_NAMESPACE,
  SERVICE_ACCOUNT_TOKEN,
  SERVICE_ACCOUNT_USER,
} from './grants.js';
import { KubeApiDouble } from './server.js';
import { makeCertificates } from './tls.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    namespaces: { type: 'string' },
  },
});
if (values.dir === undefined) {
  process.stderr.write('usage: main.ts --dir DIR [--port N] [--namespaces a,b]\n');
  process.exit(2);
}
const dir = values.dir;
mkdirSync(dir, { recursive: true });
const tlsDir = join(dir, 'tls');
mkdirSync(tlsDir, { recursive: true });
const certificates = makeCertificates(tlsDir);
const double = new KubeApiDouble({ certificates });
const workloadNamespaces = values.namespaces?.split(',').filter((namespace) => namespace !== '');
double.addToken(SERVICE_ACCOUNT_TOKEN, {
  user: SERVICE_ACCOUNT_USER,
  grants: grantsFor({ workloadNamespaces }),
});
double.addToken(ADMIN_TOKEN, { user: 'kubernetes-admin', grants: 'all' });
const url = await double.start(Number(values.port));
const serviceAccountDir = join(dir, 'serviceaccount');
mkdirSync(serviceAccountDir, { recursive: true });
writeFileSync(join(serviceAccountDir, 'token'), SERVICE_ACCOUNT_TOKEN);
writeFileSync(join(serviceAccountDir, 'ca.crt'), certificates.ca);
writeFileSync(join(serviceAccountDir, 'namespace'), RELEASE_NAMESPACE);
const { hostname, port } = new URL(url);
process.stdout.write(
  `${JSON.stringify({ url, host: hostname, port, serviceAccountDir, caFile: certificates.caFile, adminToken: ADMIN_TOKEN, namespace: RELEASE_NAMESPACE })}\n`,
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void double.stop().then(() => process.exit(0));
  });
}
