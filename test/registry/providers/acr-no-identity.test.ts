// Its own file (its own process): MSAL remembers the managed identity source and its tokens
// process-wide, so after the tests in acr.test.ts an identity would still appear to exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
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
  it('reads anonymously, warns once how to set one up, and never calls the exchange', async () => {
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
          logger: captured.logger,
          now: Date.now,
          timeoutMs: 5000,
          exchangeUrl: () => `${exchange.url}/oauth2/exchange`,
        });
        // The registry may allow anonymous pulls: no credentials, one warning saying what to set.
        assert.equal(await provider.credentialsFor('myregistry.azurecr.io'), undefined);
        assert.equal(await provider.credentialsFor('other.azurecr.io'), undefined);
        const warnings = captured.lines.filter((l) => l.includes('no Azure identity found'));
        assert.equal(warnings.length, 1);
        assert.match(warnings[0] ?? '', /AZURE_FEDERATED_TOKEN_FILE/);
      });
      assert.equal(exchange.requests.length, 0);
    } finally {
      await exchange.close();
    }
  });
});
