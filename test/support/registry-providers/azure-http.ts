/**
 * An Azure SDK HttpClient that sends requests for the given https origins to a loopback double
 * over plain HTTP and refuses every other origin, so @azure/identity runs its real code (MSAL,
 * instance discovery, OpenID configuration, token request) without leaving the machine.
 * @azure/identity insists on an https authority, hence the rewrite instead of pointing it at
 * http://127.0.0.1 directly. MSAL asks login.microsoftonline.com for instance discovery even
 * for another authority, so that origin is routed too.
 * (`@azure/core-rest-pipeline` is installed with @azure/identity; only tests import it.)
 */
import { createDefaultHttpClient } from '@azure/core-rest-pipeline';
import type { AzureClientOptions } from '../../../src/registry/providers/index.js';

export const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';

export function routeToDouble(origins: readonly string[], doubleUrl: string): AzureClientOptions {
  const base = createDefaultHttpClient();
  return {
    httpClient: {
      sendRequest: (request) => {
        const origin = origins.find((o) => request.url.startsWith(`${o}/`));
        if (origin === undefined) {
          return Promise.reject(new Error(`no internet in tests: ${request.url}`));
        }
        request.url = `${doubleUrl}${request.url.slice(origin.length)}`;
        request.allowInsecureConnection = true;
        return base.sendRequest(request);
      },
    },
  };
}
