/**
 * Builds a cycle's dependencies from the validated Config: the Git store (gitdir under the cache
 * directory, locked), the registry client, and discovery with a per-process parse cache. The
 * CLI and (later) the controller call this; tests pass their own parts to runCycle instead.
 */
import { readTextFile, isExecutable, runProgram } from '../registry/credentials/node-io.js';
import { createDockerConfigProvider } from '../registry/credentials/docker-config-provider.js';
import type { Config, RepositoryConfig } from '../config/index.js';
import { openGitStore, displayUrl, type OpenedGitStore } from '../git/index.js';
import { discover, DiscoveryCache } from '../manifests/index.js';
import { createRegistryClient, type RegistryClient } from '../registry/index.js';
import type { Logger, SecretRedactor } from '../telemetry/index.js';
import type { CycleSettings } from './cycle.js';
import type { Discover, PipelineSettings } from './pipeline.js';

export interface WiringOptions {
  readonly config: Config;
  readonly redactor: SecretRedactor;
  readonly logger: Logger;
  /** The PATH to search for docker-credential helpers (read by the caller, not here). */
  readonly pathValue?: string | undefined;
}

export function discoverFor(repo: RepositoryConfig): Discover {
  const cache = new DiscoveryCache();
  return (files) =>
    discover(files, { paths: repo.paths, defaultNamespace: repo.defaultNamespace }, cache);
}

export async function openRegistry(options: WiringOptions): Promise<RegistryClient> {
  const { registries, cache } = options.config;
  const credentials =
    registries.dockerConfigFile === undefined
      ? undefined
      : createDockerConfigProvider(registries.dockerConfigFile, {
          readFile: readTextFile,
          redactor: options.redactor,
          logger: options.logger,
          helpersEnabled: true,
          run: runProgram,
          isExecutable,
          pathValue: options.pathValue,
          timeoutMs: 10_000,
        });
  return createRegistryClient({
    settings: registries,
    cacheDir: registries.cache.enabled ? cache.dir : undefined,
    credentials,
    redactor: options.redactor,
    logger: options.logger,
  });
}

export async function openRepositoryStore(
  options: WiringOptions,
  repo: RepositoryConfig,
): Promise<OpenedGitStore> {
  const { git, cache } = options.config;
  return openGitStore({
    url: repo.url,
    branch: repo.branch,
    pushBranch: repo.pushBranch,
    cacheDir: cache.dir,
    author: git.author,
    tokenFile: git.tokenFile,
    username: git.username,
    sshKeyFile: git.sshKeyFile,
    sshKnownHostsFile: git.sshKnownHostsFile,
    redactor: options.redactor,
  });
}

export function pipelineSettings(config: Config, repo: RepositoryConfig): PipelineSettings {
  const { automation, registries } = config;
  return {
    paths: repo.paths,
    minTagAgeMs: automation.minTagAge,
    metadataBudget: registries.metadataBudget,
    holdDepth: automation.holdDepth,
    scanConcurrency: automation.scanConcurrency,
  };
}

export function cycleSettings(
  config: Config,
  repo: RepositoryConfig,
  write: boolean,
): CycleSettings {
  const { automation } = config;
  return {
    ...pipelineSettings(config, repo),
    repository: displayUrl(repo.url),
    maxRetries: automation.maxRetries,
    backoff: { baseMs: automation.retryBaseDelay, maxMs: automation.retryMaxDelay },
    messageTemplate: automation.messageTemplate,
    skipCi: automation.skipCi,
    suspended: automation.suspend,
    write,
  };
}
