/**
 * Credentials from a Docker config file. The file is read on every lookup and parsed only when
 * its text changed, so a rotated Kubernetes Secret (the kubelet swaps the mounted file) is seen
 * without a restart and without re-parsing on every request.
 */
import type { SecretRedactor } from '../../telemetry/index.js';
import type { CredentialProvider, RegistryCredentials } from '../types.js';
import { parseDockerConfig, secretsOf, type DockerConfig } from './docker-config.js';
import { CredentialError } from './errors.js';
import { credentialsFromHelper, type HelperDeps } from './helper.js';
import { registryHostOf } from './hosts.js';
import type { ProviderLogger } from './logger.js';

export interface DockerConfigDeps extends HelperDeps {
  readonly readFile: (file: string) => Promise<string>;
  readonly redactor: SecretRedactor;
  readonly logger: ProviderLogger;
  /** False when config turned helpers off (`registries.providers.credentialHelpers.enabled`). */
  readonly helpersEnabled: boolean;
}

export function createDockerConfigProvider(
  file: string,
  deps: DockerConfigDeps,
): CredentialProvider {
  let lastText: string | undefined;
  let config: DockerConfig | undefined;
  const warnedStores = new Set<string>();

  async function load(): Promise<DockerConfig> {
    let text: string;
    try {
      text = await deps.readFile(file);
    } catch (error: unknown) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'read error';
      throw new CredentialError(
        'REGISTRY_CREDENTIALS_FILE_UNREADABLE',
        `cannot read Docker config file ${file} (${reason}); check registries.dockerConfigFile`,
        { cause: error },
      );
    }
    if (config === undefined || text !== lastText) {
      config = parseDockerConfig(text, file);
      for (const secret of config.secrets) deps.redactor.add(secret);
      lastText = text;
    }
    return config;
  }

  async function ask(helper: string, host: string, origin: string) {
    const found = await credentialsFromHelper(helper, host, origin, deps);
    if (found !== undefined) for (const secret of secretsOf(found)) deps.redactor.add(secret);
    return found;
  }

  return {
    async credentialsFor(host: string): Promise<RegistryCredentials | undefined> {
      const answer = (await load()).lookup(host);
      switch (answer.kind) {
        case 'none':
          return undefined;
        case 'credentials':
          return answer.credentials;
        case 'helper': {
          const origin = `${file} credHelpers[${JSON.stringify(registryHostOf(host))}]`;
          if (!deps.helpersEnabled) {
            throw new CredentialError(
              'REGISTRY_CREDENTIAL_HELPER_MISSING',
              `${origin} names credential helper "${answer.helper}", but credential helpers are disabled (registries.providers.credentialHelpers.enabled)`,
            );
          }
          return (await ask(answer.helper, host, origin)) ?? answer.fallback;
        }
        case 'store': {
          if (!deps.helpersEnabled) return answer.fallback;
          try {
            return (await ask(answer.helper, host, `${file} credsStore`)) ?? answer.fallback;
          } catch (error: unknown) {
            // The default store is consulted for every host, also ones the user never logged in
            // to. A missing store helper then only matters where the file shows a login; the
            // rest proceed anonymously (docs/decisions/0025-docker-config-precedence.md).
            const missing =
              error instanceof CredentialError &&
              error.code === 'REGISTRY_CREDENTIAL_HELPER_MISSING';
            if (!missing) throw error;
            if (answer.fallback !== undefined) return answer.fallback;
            if (answer.listed) throw error;
            if (!warnedStores.has(answer.helper)) {
              warnedStores.add(answer.helper);
              deps.logger.warn(
                { file, helper: `docker-credential-${answer.helper}` },
                'credsStore helper not on PATH; registries without an auths entry are read anonymously',
              );
            }
            return undefined;
          }
        }
      }
    },
  };
}
