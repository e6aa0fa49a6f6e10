import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { CredentialError } from '../../../src/registry/credentials/index.js';
import {
  createGcpCredentials,
  googleTokenSource,
  isGoogleRegistryHost,
} from '../../../src/registry/providers/index.js';
import { REDACTED } from '../../../src/telemetry/index.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import { withCloudEnv } from '../../support/registry-providers/env.js';
import {
  startGoogleTokenDouble,
  startMetadataDouble,
  type TokenDouble,
} from '../../support/registry-providers/google-doubles.js';

describe('isGoogleRegistryHost', () => {
  const table: [string, boolean][] = [
    ['gcr.io', true],
    ['eu.gcr.io', true],
    ['marketplace.gcr.io', true],
    ['europe-west1-docker.pkg.dev', true],
    ['us-docker.pkg.dev', true],
    ['docker.pkg.dev', false],
    ['europe-west1-python.pkg.dev', false],
    ['gcr.io.evil.example', false],
    ['evilgcr.io', false],
    ['ghcr.io', false],
  ];
  for (const [host, expected] of table) {
    it(`${host} → ${expected}`, () => {
      assert.equal(isGoogleRegistryHost(host), expected);
    });
  }
});

const CLIENT_EMAIL = 'tagpilot@project.iam.gserviceaccount.com';

describe('GCR / Artifact Registry through google-auth-library', () => {
  let dir: string;
  let tokens: TokenDouble;
  let keyFile: string;
  let privateKey: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-gcp-'));
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    tokens = await startGoogleTokenDouble(pair.publicKey, CLIENT_EMAIL);
    keyFile = path.join(dir, 'key.json');
    await writeFile(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'project',
        private_key_id: 'k1',
        private_key: privateKey,
        client_email: CLIENT_EMAIL,
        client_id: '1',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
  });
  after(async () => {
    await tokens.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * google-auth-library posts key-file grants to the fixed https://oauth2.googleapis.com/token;
   * this fetch sends that one URL to the double and refuses every other, so nothing leaves the
   * machine.
   */
  const toDouble: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url !== 'https://oauth2.googleapis.com/token')
      return Promise.reject(new Error(`no internet in tests: ${url}`));
    return fetch(`${tokens.url}/token`, init);
  };

  function provider(settings: Record<string, unknown>) {
    const captured = captureLogger();
    const gcp = registryProvidersSchema.parse({ gcp: settings }).gcp;
    return {
      captured,
      gcp: createGcpCredentials(gcp, {
        tokenSource: googleTokenSource(gcp, { fetchImplementation: toDouble }),
        redactor: captured.redactor,
        logger: captured.logger,
      }),
    };
  }

  it('signs a JWT with the key file and sends the token as oauth2accesstoken, reusing it', async () => {
    const before = tokens.requests.length;
    await withCloudEnv({ METADATA_SERVER_DETECTION: 'none', HOME: dir }, async () => {
      const { gcp, captured } = provider({ keyFile });
      const first = await gcp.credentialsFor('europe-west1-docker.pkg.dev');
      const second = await gcp.credentialsFor('eu.gcr.io');
      assert.deepEqual(first, {
        kind: 'basic',
        username: 'oauth2accesstoken',
        password: tokens.issued.at(-1),
      });
      assert.deepEqual(second, first);
      assert.equal(captured.redactor.redact(tokens.issued.at(-1)!), REDACTED);
      const basic = Buffer.from(`oauth2accesstoken:${tokens.issued.at(-1)!}`).toString('base64');
      captured.logger.info({ header: `Basic ${basic}`, raw: basic }, 'sending');
      assert.ok(!captured.text().includes(basic));
    });
    assert.equal(tokens.requests.length - before, 1, 'the library caches the hour-long token');
  });

  it('finds the key file through GOOGLE_APPLICATION_CREDENTIALS (application default credentials)', async () => {
    await withCloudEnv(
      { GOOGLE_APPLICATION_CREDENTIALS: keyFile, METADATA_SERVER_DETECTION: 'none', HOME: dir },
      async () => {
        const { gcp } = provider({});
        assert.equal((await gcp.credentialsFor('gcr.io'))?.kind, 'basic');
      },
    );
  });

  it('asks the metadata server with Metadata-Flavor: Google on GCE / GKE workload identity', async () => {
    const metadata = await startMetadataDouble();
    try {
      await withCloudEnv({ GCE_METADATA_HOST: metadata.host, HOME: dir }, async () => {
        const { gcp } = provider({});
        const credentials = await gcp.credentialsFor('us-docker.pkg.dev');
        assert.deepEqual(credentials, {
          kind: 'basic',
          username: 'oauth2accesstoken',
          password: 'ya29.metadata-token-1',
        });
      });
      assert.ok(metadata.requests.length >= 1);
      assert.ok(metadata.requests.every((r) => r.headers['metadata-flavor'] === 'Google'));
      assert.ok(
        metadata.requests.some((r) =>
          r.url.startsWith('/computeMetadata/v1/instance/service-accounts/default/token'),
        ),
      );
    } finally {
      await metadata.close();
    }
  });

  it('explains a refused key without quoting it', async () => {
    const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const badKey = path.join(dir, 'bad-key.json');
    await writeFile(
      badKey,
      JSON.stringify({ type: 'service_account', private_key: wrong, client_email: CLIENT_EMAIL }),
    );
    await withCloudEnv({ METADATA_SERVER_DETECTION: 'none', HOME: dir }, async () => {
      const { gcp } = provider({ keyFile: badKey });
      await assert.rejects(gcp.credentialsFor('gcr.io'), (error: unknown) => {
        assert.ok(error instanceof CredentialError);
        assert.equal(error.code, 'REGISTRY_PROVIDER_REFUSED');
        assert.equal(error.transient, false);
        assert.match(error.message, /^Google access token for gcr\.io refused/);
        assert.ok(!error.message.includes('PRIVATE KEY'));
        return true;
      });
    });
  });

  it('reads anonymously, with one warning, when neither a key nor a metadata server exists', async () => {
    await withCloudEnv({ METADATA_SERVER_DETECTION: 'none', HOME: dir }, async () => {
      const { gcp, captured } = provider({});
      assert.equal(await gcp.credentialsFor('gcr.io'), undefined);
      assert.equal(await gcp.credentialsFor('us-docker.pkg.dev'), undefined);
      const warnings = captured.lines.filter((l) =>
        l.includes('no Google application default credentials'),
      );
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /registries\.providers\.gcp\.keyFile/);
    });
  });

  it('fails when the configured key file does not exist', async () => {
    await withCloudEnv({ METADATA_SERVER_DETECTION: 'none', HOME: dir }, async () => {
      const { gcp } = provider({ keyFile: path.join(dir, 'missing-key.json') });
      await assert.rejects(gcp.credentialsFor('gcr.io'), { code: 'REGISTRY_PROVIDER_REFUSED' });
    });
  });

  it('leaves other hosts alone and can be switched off', async () => {
    const { gcp } = provider({ keyFile });
    assert.equal(gcp.handles('ghcr.io'), false);
    assert.equal(await gcp.credentialsFor('ghcr.io'), undefined);
    const off = provider({ enabled: false, keyFile }).gcp;
    assert.equal(off.handles('gcr.io'), false);
    assert.equal(await off.credentialsFor('gcr.io'), undefined);
  });
});
