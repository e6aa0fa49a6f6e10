/**
 * Public API of the credential sources. The core's `src/registry/index.ts` composes:
 *
 *   const credentials = createCredentialChain(config.registries, { redactor, logger, pathValue });
 *   const bulk = createBulkSources(config.registries, { redactor, logger, credentials });
 *
 * Every I/O dependency has a production default and can be replaced (tests, proxies).
 */
import type { TokenCredential } from '@azure/identity';
import type { RegistryProvidersSettings } from '../../config/sections/registry-providers.js';
import type { SecretRedactor } from '../../telemetry/index.js';
import { createAcrCredentials, defaultAzureCredential } from '../providers/acr.js';
import {
  createEcrCredentials,
  defaultEcrClientFactory,
  type EcrClientFactory,
} from '../providers/ecr.js';
import {
  createGcpCredentials,
  googleTokenSource,
  type GoogleTokenSource,
} from '../providers/gcp.js';
import { axiosHttp, type ProviderHttp } from '../providers/http.js';
import type { ProxySettings } from '../http/no-proxy.js';
import type { CloudCredentialProvider } from '../providers/types.js';
import type { CredentialProvider } from '../types.js';
import { chainCredentials } from './chain.js';
import { createDockerConfigProvider } from './docker-config-provider.js';
import type { RunProgram } from './helper.js';
import type { ProviderLogger } from './logger.js';
import { isExecutable, readTextFile, runProgram } from './node-io.js';

export { CredentialError, type CredentialErrorCode } from './errors.js';
export { registryHostOf } from './hosts.js';
export { parseDockerConfig, type DockerConfig } from './docker-config.js';
export { chainCredentials } from './chain.js';
export { createDockerConfigProvider } from './docker-config-provider.js';
export type { ProviderLogger } from './logger.js';
export type { RunProgram, HelperOutcome } from './helper.js';

/** The `registries` config section, or the part of it this module reads. */
export interface CredentialSettings {
  readonly dockerConfigFile?: string | undefined;
  readonly providers: RegistryProvidersSettings;
  /**
   * `registries.tokenRealms`: hosts a registry's credentials may go to besides its own. Docker
   * Hub's API host listed under `docker.io` lets a non-default `dockerHub.apiUrl` get the login.
   */
  readonly tokenRealms?: Readonly<Record<string, readonly string[]>>;
  /** `registries.proxy`: used by the provider HTTP calls and the ECR SDK client. */
  readonly proxy?: ProxySettings | undefined;
}

export interface CredentialChainDeps {
  readonly redactor: SecretRedactor;
  readonly logger: ProviderLogger;
  /** PATH, as read by config, for finding `docker-credential-*` helpers. */
  readonly pathValue: string | undefined;
  readonly now?: () => number;
  readonly readFile?: (file: string) => Promise<string>;
  readonly isExecutable?: (file: string) => Promise<boolean>;
  readonly run?: RunProgram;
  /** ECR SDK client per registry (default: SDK default credential chain, `ecr.endpoint`). */
  readonly ecrClientFor?: EcrClientFactory;
  readonly googleTokenSource?: GoogleTokenSource;
  readonly azureCredential?: TokenCredential;
  readonly http?: ProviderHttp;
  readonly acrExchangeUrl?: (host: string) => string;
}

export function createCredentialChain(
  settings: CredentialSettings,
  deps: CredentialChainDeps,
): CredentialProvider {
  const providers = settings.providers;
  const now = deps.now ?? Date.now;
  const dockerConfig =
    settings.dockerConfigFile === undefined
      ? undefined
      : createDockerConfigProvider(settings.dockerConfigFile, {
          readFile: deps.readFile ?? readTextFile,
          isExecutable: deps.isExecutable ?? isExecutable,
          run: deps.run ?? runProgram,
          pathValue: deps.pathValue,
          redactor: deps.redactor,
          logger: deps.logger,
          helpersEnabled: providers.credentialHelpers.enabled,
          timeoutMs: providers.credentialHelpers.timeout,
        });
  return chainCredentials(dockerConfig, cloudProviders(settings, deps, now));
}

function cloudProviders(
  settings: CredentialSettings,
  deps: CredentialChainDeps,
  now: () => number,
): CloudCredentialProvider[] {
  const providers = settings.providers;
  const out: CloudCredentialProvider[] = [];
  // SDK clients are built lazily inside the factories, so a disabled or unused provider never
  // starts probing instance metadata endpoints.
  if (providers.ecr.enabled) {
    out.push(
      createEcrCredentials(providers.ecr, {
        clientFor: deps.ecrClientFor ?? defaultEcrClientFactory(providers.ecr, settings.proxy),
        redactor: deps.redactor,
        now,
      }),
    );
  }
  if (providers.gcp.enabled) {
    let source: GoogleTokenSource | undefined = deps.googleTokenSource;
    out.push(
      createGcpCredentials(providers.gcp, {
        tokenSource: () => (source ??= googleTokenSource(providers.gcp))(),
        redactor: deps.redactor,
        logger: deps.logger,
      }),
    );
  }
  if (providers.acr.enabled) {
    let credential: TokenCredential | undefined = deps.azureCredential;
    out.push(
      createAcrCredentials(providers.acr, {
        credential: {
          getToken: (scopes, options) =>
            (credential ??= defaultAzureCredential(providers.acr)).getToken(scopes, options),
        },
        http: deps.http ?? axiosHttp({ proxy: settings.proxy }),
        redactor: deps.redactor,
        logger: deps.logger,
        now,
        timeoutMs: providers.requestTimeout,
        ...(deps.acrExchangeUrl === undefined ? {} : { exchangeUrl: deps.acrExchangeUrl }),
      }),
    );
  }
  return out;
}
