/** Chains credential providers: the first that knows a host answers (config.json, then clouds). */
import type { CredentialProvider } from './types.js';

export function chainCredentials(providers: readonly CredentialProvider[]): CredentialProvider {
  return {
    async credentialsFor(host) {
      for (const provider of providers) {
        const found = await provider.credentialsFor(host);
        if (found !== undefined) return found;
      }
      return undefined;
    },
  };
}
