// Its own file (its own process): MSAL remembers the managed identity source and its tokens
// process-wide, so after the tests in acr.test.ts an identity would still appear to exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { CredentialError } from '../../../src/registry/credentials/index.js';
import {
  createAcrCredentials,
  defaultAzureCredential,
  axiosHttp,
} from '../../../src/registry/providers/index.js';
import { MICROSOFT_LOGIN, routeToDouble } from '../../support/registry-providers/azure-http.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import { withCloudEnv } from '../../support/registry-providers/env.js';
import { startLoopback } from '../../support/registry-providers/loopback.js';

describe('ACR without any Azure identity', () => {
  it('explains how to set one up, and never calls the exchange', async () => {
    const exchange = await startLoopback(() => ({ status: 500 }));
    // Nothing answers here: IMDS (pointed at a closed loopback port) and Entra are unreachable.
    const nowhere = await startLoopback(() => ({ status: 404 }));
    await nowhere.close();
    try {
      await withCloudEnv({ AZURE_POD_IDENTITY_AUTHORITY_HOST: nowhere.url }, async () => {
        const captured = captureLogger();
        const acr = registryProvidersSchema.parse({}).acr;
        const provider = createAcrCredentials(acr, {
          credential: defaultAzureCredential(acr, routeToDouble([MICROSOFT_LOGIN], nowhere.url)),
          http: axiosHttp(),
          redactor: captured.redactor,
          now: Date.now,
          timeoutMs: 5000,
          exchangeUrl: () => `${exchange.url}/oauth2/exchange`,
        });
        await assert.rejects(provider.credentialsFor('myregistry.azurecr.io'), (error: unknown) => {
          assert.ok(error instanceof CredentialError);
          assert.equal(error.code, 'REGISTRY_PROVIDER_REFUSED');
          assert.match(
            error.message,
            /^Azure AD token for myregistry\.azurecr\.io unavailable: configure workload identity \(AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE\) or a managed identity/,
          );
          return true;
        });
      });
      assert.equal(exchange.requests.length, 0);
    } finally {
      await exchange.close();
    }
  });
});
