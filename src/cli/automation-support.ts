/**
 * What the automation commands share: finding the repository (`--repo URL|PATH`, else the
 * config's `repositories[0]`), opening its reader (a local working copy read in place, or the
 * controller's gitdir under the cache directory), the registry client, scan progress, and
 * writing a person's change (policy, release, suspend) as a commit with race retries.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { runPipeline, type PipelineResult, type RepoReader } from '../automation/pipeline.js';
import { backoffDelay } from '../automation/backoff.js';
import { WorkTreeReader } from '../automation/worktree.js';
import {
  discoverFor,
  openRegistry,
  openRepositoryStore,
  pipelineSettings,
  type WiringOptions,
} from '../automation/wiring.js';
import type { Config, RepositoryConfig } from '../config/index.js';
import type { ConfigOverride } from '../config/index.js';
import { PushRaced, type FileWrite, type GitFile, type GitStore } from '../git/types.js';
import type { OpenedGitStore } from '../git/index.js';
import type { ImageSlot } from '../manifests/types.js';
import { formatWorkloadId, parseWorkloadId, WorkloadIdError } from '../policy/index.js';
import type { RegistryClient } from '../registry/index.js';
import { UsageError, type CliContext, type Output } from './context.js';

export function repoOption(): Option {
  return new Option(
    '--repo <url|path>',
    "Git repository: a URL (cloned into the cache directory) or a local working copy's path (read in place); default: the config's repositories[0]",
  );
}

export interface ResolvedRepo {
  readonly repo: RepositoryConfig;
  /** Set when the repository is a local working copy, read in place. */
  readonly localPath: string | undefined;
}

const URLISH = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\s]+@[^/\s:]+:/i;

export function resolveRepo(config: Config, cwd: string, flag: string | undefined): ResolvedRepo {
  const configured = config.repositories[0];
  let repo: RepositoryConfig;
  if (flag === undefined) {
    if (configured === undefined)
      throw new UsageError(
        'no repository: give --repo URL|PATH or configure repositories[0].url in the config file',
      );
    repo = configured;
  } else {
    // A repository not in the config takes branch, paths and namespace from repositories[0].
    repo = config.repositories.find((r) => r.url === flag) ?? {
      branch: configured?.branch ?? 'main',
      paths: configured?.paths ?? ['.'],
      defaultNamespace: configured?.defaultNamespace ?? 'default',
      pushBranch: undefined,
      url: flag,
    };
  }
  if (URLISH.test(repo.url)) return { repo, localPath: undefined };
  const path = resolve(cwd, repo.url);
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new UsageError(
      `repository ${repo.url} is neither a URL nor an existing directory (resolved to ${path})`,
    );
  return { repo, localPath: path };
}

/** What the wiring needs from the CLI: config, redaction, logger, and what the caller read from the environment. */
export function wiringFor(context: CliContext, config: Config): WiringOptions {
  const env = context.io.env;
  return {
    config,
    redactor: context.redactor,
    logger: context.logger(),
    pathValue: env.PATH,
    environmentProxy: {
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
    },
  };
}

/** Config overrides shared by the automation commands (none yet beyond the globals). */
export const NO_OVERRIDES: readonly ConfigOverride[] = [];

export interface Opened {
  readonly config: Config;
  readonly resolved: ResolvedRepo;
  readonly reader: RepoReader;
  /** The head read (undefined for a working copy). */
  readonly head: string | undefined;
  readonly store: OpenedGitStore | undefined;
  readonly registry: RegistryClient;
  close(): Promise<void>;
}

/** Opens the repository for reading (syncing the cached gitdir for a URL) and the registry. */
export async function openForReading(
  context: CliContext,
  flag: string | undefined,
): Promise<Opened> {
  const { config } = context.config(NO_OVERRIDES);
  const resolved = resolveRepo(config, context.io.cwd, flag);
  const wiring = wiringFor(context, config);
  let store: OpenedGitStore | undefined;
  let head: string | undefined;
  let reader: RepoReader;
  if (resolved.localPath === undefined) {
    store = await openRepositoryStore(wiring, resolved.repo);
    try {
      head = await store.sync();
    } catch (error: unknown) {
      await store.close();
      throw error;
    }
    reader = store;
  } else {
    reader = new WorkTreeReader(resolved.localPath);
  }
  const registry = await openRegistry(wiring);
  return {
    config,
    resolved,
    reader,
    head,
    store,
    registry,
    close: async () => {
      await registry.close();
      await store?.close();
    },
  };
}

/** Runs the read-only pipeline (discover, scan, plan) with progress on stderr. */
export async function planOnce(context: CliContext, opened: Opened): Promise<PipelineResult> {
  return runPipeline(
    {
      repo: opened.reader,
      registry: opened.registry,
      discover: discoverFor(opened.resolved.repo),
      now: Date.now,
    },
    {
      ...pipelineSettings(opened.config, opened.resolved.repo),
      onProgress: progress(context.io.stderr),
    },
    opened.head,
  );
}

/** A counter on a terminal (rewritten in place); a plain line per 50 and at the end otherwise. */
export function progress(out: Output): (done: number, total: number, name: string) => void {
  return (done, total, name) => {
    if (out.isTTY === true) {
      out.write(`\rscanning ${done}/${total} ${name.slice(0, 50).padEnd(50)}`);
      if (done === total) out.write('\r\x1b[K');
    } else if (done === total || done % 50 === 0) {
      out.write(`scanned ${done}/${total} image repositories\n`);
    }
  };
}

/** Slots of a workload given as `ns:kind/name` (namespace defaulted) or a field slot id. */
export function slotsOf(
  slots: readonly ImageSlot[],
  workload: string,
  defaultNamespace: string,
  container?: string,
): ImageSlot[] {
  let matches: ImageSlot[];
  if (workload.includes('#')) {
    matches = slots.filter((s) => s.id === workload);
  } else {
    let id: string;
    try {
      id = formatWorkloadId(parseWorkloadId(workload, defaultNamespace));
    } catch (error: unknown) {
      if (error instanceof WorkloadIdError) throw new UsageError(error.message);
      throw error;
    }
    matches = slots.filter((s) => s.workload !== undefined && formatWorkloadId(s.workload) === id);
  }
  if (container !== undefined) matches = matches.filter((s) => s.container === container);
  if (matches.length === 0)
    throw new UsageError(
      `no image slot for ${workload}${container === undefined ? '' : ` container ${container}`} in this repository (see tagpilot list-workloads)`,
    );
  return matches;
}

/** The decisions of one workload's slots (or one field slot), in plan order. */
export function decisionsOf(
  result: PipelineResult,
  workload: string,
  defaultNamespace: string,
  container?: string,
): PipelineResult['decisions'] {
  const slots = new Set(
    slotsOf(
      result.decisions.map((d) => d.slot),
      workload,
      defaultNamespace,
      container,
    ),
  );
  return result.decisions.filter((d) => slots.has(d.slot));
}

/** `--user "Name <email>"` or `--user Name` (email from the config). */
export function authorFrom(
  user: string | undefined,
  config: Config,
): { name: string; email: string } {
  if (user === undefined) return { ...config.git.author };
  const match = /^(.*?)\s*<([^>]+)>\s*$/.exec(user);
  if (match !== null && (match[1] ?? '') !== '')
    return { name: match[1] ?? '', email: match[2] ?? '' };
  return { name: user, email: config.git.author.email };
}

export interface ChangeResult {
  readonly commit: string | undefined;
  readonly description: string;
}

/**
 * Writes a person's change as one commit: sync, compute the writes from the files at the new
 * head (`make` returns none when there is nothing to do), commit, push; on a race, recompute
 * on the new head (bounded, jittered), never force.
 */
export async function commitChange(
  context: CliContext,
  flag: string | undefined,
  user: string | undefined,
  make: (
    store: GitStore,
    head: string,
    files: readonly GitFile[],
    repo: RepositoryConfig,
  ) => Promise<{ writes: FileWrite[]; message: string; description: string }>,
): Promise<ChangeResult> {
  const { config } = context.config(NO_OVERRIDES);
  const resolved = resolveRepo(config, context.io.cwd, flag);
  if (resolved.localPath !== undefined)
    throw new UsageError(
      `${resolved.repo.url} is a local path; changes are made as commits pushed to a Git URL (give --repo URL)`,
    );
  const store = await openRepositoryStore(
    {
      config: { ...config, git: { ...config.git, author: authorFrom(user, config) } },
      redactor: context.redactor,
      logger: context.logger(),
    },
    resolved.repo,
  );
  try {
    for (let attempt = 1; ; attempt += 1) {
      const head = await store.sync();
      const files = await store.readFiles(
        resolved.repo.paths.map((p) => p.replace(/^\.(\/|$)/, '').replace(/\/+$/, '')),
        head,
      );
      const change = await make(store, head, files, resolved.repo);
      if (change.writes.length === 0) return { commit: undefined, description: change.description };
      const oid = await store.commit(change.writes, change.message);
      try {
        await store.push();
        return { commit: oid, description: change.description };
      } catch (error: unknown) {
        if (!(error instanceof PushRaced) || attempt > config.automation.maxRetries) throw error;
        const delay = backoffDelay(
          attempt,
          { baseMs: config.automation.retryBaseDelay, maxMs: config.automation.retryMaxDelay },
          Math.random,
        );
        await new Promise((done) => setTimeout(done, delay));
      }
    }
  } finally {
    await store.close();
  }
}
