import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registriesSchema } from '../../../src/config/sections/registries.js';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { parseImageRef } from '../../../src/image/index.js';
import { createCredentialChain } from '../../../src/registry/credentials/index.js';
import {
  createBulkSources,
  defaultEcrClientFactory,
} from '../../../src/registry/providers/index.js';
import { startConnectProxy } from '../../support/registry-providers/connect-proxy.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import { startEcrDouble, type EcrDouble } from '../../support/registry-providers/ecr-double.js';
import {
  startHubDouble,
  type HubDouble,
} from '../../support/registry-providers/dockerhub-double.js';
import { withCloudEnv } from '../../support/registry-providers/env.js';

const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('registries.providers settings', () => {
  it('has safe defaults: every provider on, helpers with a 10 s timeout, Hub API at hub.docker.com', () => {
    const settings = registryProvidersSchema.parse({});
    assert.equal(settings.ecr.enabled, true);
    assert.equal(settings.ecr.bulkMetadata, true);
    assert.equal(settings.ecr.region, undefined);
    assert.equal(settings.gcp.enabled, true);
    assert.equal(settings.acr.enabled, true);
    assert.equal(settings.dockerHub.apiUrl, 'https://hub.docker.com');
    assert.equal(settings.credentialHelpers.timeout, 10_000);
    assert.equal(settings.bulkMetadata, true);
  });

  it('is mounted at registries.providers and parses durations', () => {
    const registries = registriesSchema.parse({
      providers: { credentialHelpers: { timeout: '2s' }, ecr: { region: 'us-east-1' } },
    });
    assert.equal(registries.providers.credentialHelpers.timeout, 2000);
    assert.equal(registries.providers.ecr.region, 'us-east-1');
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown key', { ecr: { regoin: 'x' } }, /regoin/],
    ['a non-URL endpoint', { ecr: { endpoint: 'not a url' } }, /endpoint/],
    ['a malformed timeout', { credentialHelpers: { timeout: 'soon' } }, /expected a duration/],
    ['zero Hub pages', { dockerHub: { maxPages: 0 } }, /maxPages/],
  ];
  for (const [name, input, message] of bad) {
    it(`refuses ${name}`, () => {
      const result = registryProvidersSchema.safeParse(input);
      assert.equal(result.success, false);
      assert.match(JSON.stringify(result.error.issues), message);
    });
  }
});

describe('createCredentialChain and createBulkSources, composed from config', () => {
  let dir: string;
  let ecr: EcrDouble;
  let hub: HubDouble;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-compose-'));
    ecr = await startEcrDouble({
      password: 'ecr-compose-password',
      repositories: {
        app: [{ digest: `sha256:${'1'.repeat(64)}`, tags: ['v1'], pushedAt: 1_700_000_000 }],
      },
    });
    hub = await startHubDouble({
      repositories: {
        'octo/private': {
          private: true,
          tags: [
            { name: 'p1', digest: `sha256:${'2'.repeat(64)}`, pushed: '2026-01-01T00:00:00Z' },
          ],
        },
      },
      users: { octo: 'hub-compose-password' },
    });
  });
  after(async () => {
    await ecr.close();
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function compose(extra: Record<string, unknown> = {}) {
    const file = path.join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': {
            auth: Buffer.from('octo:hub-compose-password').toString('base64'),
          },
          [ECR_HOST]: { auth: Buffer.from('static:pinned-ecr-pass').toString('base64') },
        },
      }),
    );
    const registries = registriesSchema.parse({
      dockerConfigFile: file,
      providers: { ecr: { endpoint: ecr.url, maxAttempts: 1 }, dockerHub: { apiUrl: hub.url } },
      ...extra,
    });
    const captured = captureLogger();
    const ecrClientFor = defaultEcrClientFactory(registries.providers.ecr);
    const credentials = createCredentialChain(registries, {
      redactor: captured.redactor,
      logger: captured.logger,
      pathValue: '',
      ecrClientFor,
    });
    const bulk = createBulkSources(registries, {
      redactor: captured.redactor,
      logger: captured.logger,
      credentials,
      ecrClientFor,
    });
    return { credentials, bulk, captured };
  }

  it('prefers the Docker config entry over the ECR provider for the same host', async () => {
    const before = ecr.requests.length;
    const { credentials } = await compose();
    assert.deepEqual(await credentials.credentialsFor(ECR_HOST), {
      kind: 'basic',
      username: 'static',
      password: 'pinned-ecr-pass',
    });
    assert.equal(await credentials.credentialsFor('ghcr.io'), undefined);
    assert.equal(ecr.requests.length, before, 'no AWS call when the file answers');
  });

  it('gives the Hub API the docker.io login only when tokenRealms pairs its host with docker.io', async () => {
    const unpaired = await compose();
    assert.equal(
      (await bulkFor(unpaired.bulk, 'docker.io').metadata(parseImageRef('octo/private:p1'))).size,
      0,
    );
    assert.ok(!hub.requests.some((r) => r.url === '/v2/auth/token'));

    const paired = await compose({ tokenRealms: { 'docker.io': [hub.host] } });
    const result = await bulkFor(paired.bulk, 'docker.io').metadata(
      parseImageRef('octo/private:p1'),
    );
    assert.deepEqual(result.get('p1'), {
      digest: `sha256:${'2'.repeat(64)}`,
      pushed: Date.parse('2026-01-01T00:00:00Z'),
    });
  });

  it('reads ECR push times through the shared client', async () => {
    const result = await withCloudEnv(
      {
        AWS_ACCESS_KEY_ID: 'AKIACOMPOSE',
        AWS_SECRET_ACCESS_KEY: 'compose-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
        AWS_CONFIG_FILE: path.join(dir, 'none'),
      },
      async () => {
        const { bulk } = await compose();
        return bulkFor(bulk, ECR_HOST).metadata(parseImageRef(`${ECR_HOST}/app:v1`));
      },
    );
    assert.deepEqual(result.get('v1'), {
      digest: `sha256:${'1'.repeat(64)}`,
      pushed: 1_700_000_000_000,
    });
  });

  it('sends provider HTTP through registries.proxy, and skips it for NO_PROXY hosts', async () => {
    const proxy = await startConnectProxy();
    try {
      const before = hub.requests.length;
      const proxied = await compose({
        tokenRealms: { 'docker.io': [hub.host] },
        proxy: { httpProxy: proxy.url },
      });
      const result = await bulkFor(proxied.bulk, 'docker.io').metadata(
        parseImageRef('octo/private:p1'),
      );
      assert.equal(result.size, 1);
      assert.ok(proxy.targets.length >= 1);
      assert.ok(proxy.targets.every((t) => t === hub.host));
      assert.ok(hub.requests.length > before, 'the double answered through the tunnel');

      const seen = proxy.targets.length;
      const bypassed = await compose({ proxy: { httpProxy: proxy.url, noProxy: '127.0.0.1' } });
      await bulkFor(bypassed.bulk, 'docker.io').metadata(parseImageRef('octo/private:p1'));
      assert.equal(proxy.targets.length, seen);
    } finally {
      await proxy.close();
    }
  });

  it('has no bulk sources when bulk metadata is off', async () => {
    const { bulk } = await compose({ providers: { bulkMetadata: false } });
    assert.equal(bulk.length, 0);
  });
});

function bulkFor<T extends { handles(host: string): boolean }>(
  sources: readonly T[],
  host: string,
): T {
  const source = sources.find((s) => s.handles(host));
  assert.ok(source !== undefined, `a bulk source handles ${host}`);
  return source;
}
