/** The double as its own process (how the chart's test and e2e tests run it beside tagpilot). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectCluster } from '../../src/cluster/connect.js';
import { loadConfig } from '../../src/config/index.js';
import { deployment } from '../support/kube-api/cluster.js';

const MAIN = join(import.meta.dirname, '..', 'support', 'kube-api', 'main.ts');

interface Started {
  readonly url: string;
  readonly host: string;
  readonly port: string;
  readonly serviceAccountDir: string;
  readonly caFile: string;
  readonly adminToken: string;
}

function control(started: Started, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${started.url}/_double/${path}`,
      {
        method: 'POST',
        ca: readFileSync(started.caFile),
        headers: {
          authorization: `Bearer ${started.adminToken}`,
          'content-type': 'application/json',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('the API-server double as a separate process', () => {
  it('serves in-cluster clients from the service account directory it writes; seeds through its control API; stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagpilot-kube-main-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--dir', dir, '--namespaces', 'prod'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.on('exit', (code) => {
          reject(new Error(`the double exited with ${String(code)}`));
        });
      });
      const started = JSON.parse(line) as Started;
      assert.equal(
        await control(started, 'seed', {
          resource: 'deployments',
          object: deployment('prod', 'api'),
        }),
        200,
      );
      const { config } = loadConfig({
        cwd: dir,
        env: {
          HOME: dir,
          KUBERNETES_SERVICE_HOST: started.host,
          KUBERNETES_SERVICE_PORT: started.port,
          TAGPILOT_CLUSTER_SERVICE_ACCOUNT_DIR: started.serviceAccountDir,
        },
      });
      const client = connectCluster(config.cluster.connection);
      const list = await client?.apps.listNamespacedDeployment({ namespace: 'prod' });
      assert.deepEqual(
        list?.items.map((item) => item.metadata?.name),
        ['api'],
      );
    } finally {
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) resolve(child.exitCode);
        else child.on('exit', resolve);
      });
      assert.equal(code, 0);
    }
  });
});
