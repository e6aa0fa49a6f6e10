/**
 * Builds a cycle's dependencies from the validated Config: the Git store (gitdir under the cache
 * directory, locked), the registry client, and discovery with a per-process parse cache. The
 * CLI and (later) the controller call this; tests pass their own parts to runCycle instead.
 */
import type { Config, RepositoryConfig } from '../config/index.js';
import { openGitStoreFromConfig, displayUrl, type OpenedGitStore } from '../git/index.js';
import { discover, DiscoveryCache } from '../manifests/index.js';
import {
  openRegistryClient,
  type OpenRegistryOptions,
  type RegistryClient,
} from '../registry/index.js';
import type { Logger, SecretRedactor } from '../telemetry/index.js';
import type { CycleSettings } from './cycle.js';
import type { Discover, PipelineSettings } from './pipeline.js';

export interface WiringOptions {
  readonly config: Config;
  readonly redactor: SecretRedactor;
  readonly logger: Logger;
  /** The PATH to search for docker-credential helpers (read by the caller, not here). */
  readonly pathValue?: string | undefined;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY as read by the caller. */
  readonly environmentProxy?: OpenRegistryOptions['environmentProxy'];
}

export function discoverFor(repo: RepositoryConfig): Discover {
  const cache = new DiscoveryCache();
  return (files) =>
    discover(files, { paths: repo.paths, defaultNamespace: repo.defaultNamespace }, cache);
}

/** The registry layer composed from config: credential chain, bulk sources, cache, limits. */
export async function openRegistry(options: WiringOptions): Promise<RegistryClient> {
  return openRegistryClient({
    settings: options.config.registries,
    cacheDir: options.config.cache.dir,
    redactor: options.redactor,
    logger: options.logger,
    pathValue: options.pathValue,
    environmentProxy: options.environmentProxy,
  });
}

export async function openRepositoryStore(
  options: WiringOptions,
  repo: RepositoryConfig,
): Promise<OpenedGitStore> {
  // One mapping from config to store options, owned by git/: signing, SSH passphrase, depth,
  // lock timeout and history bounds all come along.
  return openGitStoreFromConfig(options.config.git, repo, {
    cacheDir: options.config.cache.dir,
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
