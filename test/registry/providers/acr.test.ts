import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { CredentialError } from '../../../src/registry/credentials/index.js';
import {
  ACR_USERNAME,
  acrScopeFor,
  createAcrCredentials,
  defaultAzureCredential,
  axiosHttp,
  type AzureClientOptions,
} from '../../../src/registry/providers/index.js';
import { MICROSOFT_LOGIN, routeToDouble } from '../../support/registry-providers/azure-http.js';
import { REDACTED } from '../../../src/telemetry/index.js';
import {
  startAcrExchangeDouble,
  startEntraTokenDouble,
  startManagedIdentityDouble,
  type AadDouble,
  type ExchangeDouble,
} from '../../support/registry-providers/azure-doubles.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import { withCloudEnv } from '../../support/registry-providers/env.js';
import { startLoopback } from '../../support/registry-providers/loopback.js';

describe('acrScopeFor', () => {
  const table: [string, string | undefined][] = [
    ['myregistry.azurecr.io', 'https://management.core.windows.net//.default'],
    ['my-registry.westeurope.data.azurecr.io', 'https://management.core.windows.net//.default'],
    ['myregistry.azurecr.cn', 'https://management.core.chinacloudapi.cn//.default'],
    ['myregistry.azurecr.us', 'https://management.core.usgovcloudapi.net//.default'],
    ['azurecr.io', undefined],
    ['myregistry.azurecr.io.evil.example', undefined],
    ['ghcr.io', undefined],
  ];
  for (const [host, scope] of table) {
    it(`${host} → ${scope ?? 'not ACR'}`, () => {
      assert.equal(acrScopeFor(host), scope);
    });
  }
});

const REGISTRY = 'myregistry.azurecr.io';
const IDENTITY_HEADER = 'identity-header-secret';

describe('ACR: Azure AD token → /oauth2/exchange → identity token', () => {
  let dir: string;
  let mi: AadDouble;
  let exchange: ExchangeDouble;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-acr-'));
    mi = await startManagedIdentityDouble(IDENTITY_HEADER);
    exchange = await startAcrExchangeDouble();
  });
  after(async () => {
    await mi.close();
    await exchange.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Managed identity in its App Service form, pointed at the double. */
  const managedIdentityEnv = () => ({ IDENTITY_ENDPOINT: `${mi.url}/msi/token`, IDENTITY_HEADER });

  function setup(
    settings: Record<string, unknown> = {},
    now: () => number = Date.now,
    clientOptions: AzureClientOptions = {},
  ) {
    const captured = captureLogger();
    const acr = registryProvidersSchema.parse({ acr: settings }).acr;
    const provider = createAcrCredentials(acr, {
      credential: defaultAzureCredential(acr, clientOptions),
      http: axiosHttp(),
      redactor: captured.redactor,
      logger: captured.logger,
      now,
      timeoutMs: 5000,
      exchangeUrl: () => `${exchange.url}/oauth2/exchange`,
    });
    return { provider, captured };
  }

  it('exchanges a managed identity token for an ACR refresh token and caches it', async () => {
    const before = exchange.requests.length;
    await withCloudEnv(managedIdentityEnv(), async () => {
      for (let i = 0; i < 5; i += 1) exchange.accepted.add(`aad-mi-token-${i + 1}`);
      const { provider, captured } = setup();
      const first = await provider.credentialsFor(REGISTRY);
      const second = await provider.credentialsFor(REGISTRY);
      assert.deepEqual(first, {
        kind: 'identity-token',
        username: ACR_USERNAME,
        token: exchange.refreshTokens.at(-1),
      });
      assert.deepEqual(second, first);
      assert.equal(captured.redactor.redact(exchange.refreshTokens.at(-1)!), REDACTED);
      assert.equal(captured.redactor.redact(mi.issued.at(-1)!), REDACTED);
    });
    const mine = exchange.requests.slice(before);
    assert.equal(mine.length, 1);
    const form = new URLSearchParams(mine[0]!.body);
    assert.equal(form.get('grant_type'), 'access_token');
    assert.equal(form.get('service'), REGISTRY);
    assert.equal(form.get('access_token'), mi.issued.at(-1));
    const asked = new URL(mi.requests.at(-1)!.url, 'http://x');
    assert.equal(asked.searchParams.get('resource'), 'https://management.core.windows.net/');
  });

  it('renews 15 minutes before the refresh token expires', async () => {
    let clock = Date.now();
    const before = exchange.requests.length;
    await withCloudEnv(managedIdentityEnv(), async () => {
      for (let i = 0; i < 20; i += 1) exchange.accepted.add(`aad-mi-token-${i + 1}`);
      const { provider } = setup({}, () => clock);
      await provider.credentialsFor(REGISTRY);
      clock += 2 * 3_600_000 + 40 * 60_000; // 2 h 40 of 3 h: still fresh
      await provider.credentialsFor(REGISTRY);
      assert.equal(exchange.requests.length - before, 1);
      clock += 10 * 60_000; // 10 min left
      await provider.credentialsFor(REGISTRY);
      assert.equal(exchange.requests.length - before, 2);
    });
  });

  it('asks for the China cloud audience for *.azurecr.cn and passes the configured tenant', async () => {
    await withCloudEnv(managedIdentityEnv(), async () => {
      for (let i = 0; i < 20; i += 1) exchange.accepted.add(`aad-mi-token-${i + 1}`);
      const { provider } = setup({ tenantId: 'tenant-1' });
      await provider.credentialsFor('myregistry.azurecr.cn');
    });
    const asked = new URL(mi.requests.at(-1)!.url, 'http://x');
    assert.equal(asked.searchParams.get('resource'), 'https://management.core.chinacloudapi.cn/');
    assert.equal(new URLSearchParams(exchange.requests.at(-1)!.body).get('tenant'), 'tenant-1');
  });

  it('uses workload identity (federated token file) when AKS provides one', async () => {
    const federated = 'eyJ.aks-projected-token.sig';
    const tokenFile = path.join(dir, 'azure-identity-token');
    await writeFile(tokenFile, federated);
    const authority = 'https://login.test.example';
    const entra = await startEntraTokenDouble(federated, authority);
    try {
      await withCloudEnv(
        {
          AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
          AZURE_TENANT_ID: 'tenant-wi',
          AZURE_FEDERATED_TOKEN_FILE: tokenFile,
          AZURE_AUTHORITY_HOST: authority,
        },
        async () => {
          exchange.accepted.add('aad-wi-token-1');
          const { provider } = setup(
            {},
            Date.now,
            routeToDouble([authority, MICROSOFT_LOGIN], entra.url),
          );
          const credentials = await provider.credentialsFor(REGISTRY);
          assert.equal(credentials?.kind, 'identity-token');
        },
      );
      assert.deepEqual(
        entra.requests.map((r) => `${r.method} ${r.url.split('?')[0] ?? ''}`),
        [
          'GET /common/discovery/instance',
          'GET /tenant-wi/v2.0/.well-known/openid-configuration',
          'POST /tenant-wi/oauth2/v2.0/token',
        ],
      );
      assert.equal(mi.requests.filter((r) => r.url.includes('aad-wi')).length, 0);
      assert.equal(
        new URLSearchParams(exchange.requests.at(-1)!.body).get('access_token'),
        'aad-wi-token-1',
      );
    } finally {
      await entra.close();
    }
  });

  it('fails, without falling back to anonymous, when Entra refuses the federated token', async () => {
    const tokenFile = path.join(dir, 'stale-token');
    await writeFile(tokenFile, 'eyJ.stale-token.sig');
    const authority = 'https://login.test.example';
    const entra = await startEntraTokenDouble('eyJ.expected-token.sig', authority);
    try {
      await withCloudEnv(
        {
          AZURE_CLIENT_ID: '99999999-2222-3333-4444-555555555555',
          AZURE_TENANT_ID: 'tenant-refused',
          AZURE_FEDERATED_TOKEN_FILE: tokenFile,
          AZURE_AUTHORITY_HOST: authority,
        },
        async () => {
          const { provider } = setup(
            {},
            Date.now,
            routeToDouble([authority, MICROSOFT_LOGIN], entra.url),
          );
          await assert.rejects(provider.credentialsFor(REGISTRY), (error: unknown) => {
            assert.ok(error instanceof CredentialError);
            assert.equal(error.code, 'REGISTRY_PROVIDER_REFUSED');
            assert.match(error.message, /^Azure AD token for myregistry\.azurecr\.io refused/);
            assert.ok(!error.message.includes('stale-token'));
            return true;
          });
        },
      );
    } finally {
      await entra.close();
    }
  });

  it('names the missing role when the exchange refuses, without the Azure AD token', async () => {
    await withCloudEnv(managedIdentityEnv(), async () => {
      exchange.accepted.clear();
      const { provider } = setup();
      await assert.rejects(provider.credentialsFor(REGISTRY), (error: unknown) => {
        assert.ok(error instanceof CredentialError);
        assert.equal(error.code, 'REGISTRY_PROVIDER_REFUSED');
        assert.match(
          error.message,
          /refused the Azure AD token \(HTTP 401\): the identity needs the AcrPull role/,
        );
        assert.ok(!error.message.includes(mi.issued.at(-1)!));
        return true;
      });
    });
  });

  it('does not follow a redirect from the exchange', async () => {
    const elsewhere = await startLoopback(() => ({ status: 200, body: '{"refresh_token":"x"}' }));
    const redirecting = await startLoopback(() => ({
      status: 307,
      headers: { location: `${elsewhere.url}/oauth2/exchange` },
    }));
    try {
      await withCloudEnv(managedIdentityEnv(), async () => {
        const captured = captureLogger();
        const acr = registryProvidersSchema.parse({}).acr;
        const provider = createAcrCredentials(acr, {
          credential: defaultAzureCredential(acr),
          http: axiosHttp(),
          redactor: captured.redactor,
          logger: captured.logger,
          now: Date.now,
          timeoutMs: 5000,
          exchangeUrl: () => `${redirecting.url}/oauth2/exchange`,
        });
        await assert.rejects(provider.credentialsFor(REGISTRY), /HTTP 307/);
      });
      assert.equal(redirecting.requests.length, 1);
      assert.equal(
        elsewhere.requests.length,
        0,
        'the Azure AD token never reaches the redirect target',
      );
    } finally {
      await elsewhere.close();
      await redirecting.close();
    }
  });
});
