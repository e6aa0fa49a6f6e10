/**
 * Builds the one validated, immutable Config at start-up. Lookup order for the file:
 * `--config FILE`, then `TAGPILOT_CONFIG`, then `./tagpilot.yaml` (optional). Environment
 * variables `TAGPILOT_<SECTION>_<KEY>` override the file; command-line flags override both.
 * This is the only module that reads the environment (docs/configuration.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { configSchema, SECTIONS, type Config } from './schema.js';
import { envName, listLeaves, type Leaf } from './schema-walk.js';
import { resolveClusterConnection } from './sections/cluster.js';
import { parseDuration } from './sections/common.js';

/** A value set on the command line, e.g. `{ path: ['log', 'level'], value: 'debug', flag: '--log-level' }`. */
export interface ConfigOverride {
  readonly path: readonly string[];
  readonly value: unknown;
  readonly flag: string;
}

export interface LoadOptions {
  /** `--config FILE`, when given. */
  readonly configFile?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly overrides?: readonly ConfigOverride[];
}

export interface LoadedConfig {
  readonly config: Config;
  /** The file the config came from, or undefined when built from defaults alone. */
  readonly file: string | undefined;
}

export const CONFIG_FILE_NAME = 'tagpilot.yaml';

type Origin = { kind: 'file' } | { kind: 'env'; name: string } | { kind: 'flag'; flag: string };

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = locateConfigFile(options.configFile, env, cwd);
  const origins = new Map<string, Origin>();
  const { raw, where } =
    file === undefined ? { raw: {}, where: () => undefined } : readConfigFile(file);

  for (const [path, value, name] of environmentOverrides(env)) {
    setPath(raw, path, value);
    origins.set(path.join('.'), { kind: 'env', name });
  }
  for (const override of options.overrides ?? []) {
    setPath(raw, override.path, override.value);
    origins.set(override.path.join('.'), { kind: 'flag', flag: override.flag });
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(describeIssues(parsed.error.issues, file, where, origins));
  const cacheDir = parsed.data.cache.dir ?? defaultCacheDir(env);
  const config = deepFreeze({
    ...parsed.data,
    registries: {
      ...parsed.data.registries,
      dockerConfigFile: parsed.data.registries.dockerConfigFile ?? defaultDockerConfig(env),
    },
    cache: { ...parsed.data.cache, dir: isAbsolute(cacheDir) ? cacheDir : resolve(cwd, cacheDir) },
    cluster: {
      ...parsed.data.cluster,
      connection: resolveClusterConnection(
        {
          ...parsed.data.cluster,
          kubeconfig:
            parsed.data.cluster.kubeconfig === undefined
              ? undefined
              : resolve(cwd, parsed.data.cluster.kubeconfig),
        },
        env,
        existsSync,
      ),
    },
  }) as Config;
  return { config, file };
}

function locateConfigFile(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | undefined {
  const explicit = flag ?? nonEmpty(env.TAGPILOT_CONFIG);
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      const how = flag === undefined ? 'TAGPILOT_CONFIG' : '--config';
      throw new ConfigError(`config file ${path} (from ${how}) does not exist`);
    }
    return path;
  }
  const local = join(cwd, CONFIG_FILE_NAME);
  return existsSync(local) ? local : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function readConfigFile(file: string): {
  raw: Record<string, unknown>;
  where: (path: readonly PropertyKey[]) => string | undefined;
} {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new ConfigError(
      `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).message}`,
      { cause: error },
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(
      `${file}:${line}:${col}: not valid YAML: ${first.message.split('\n')[0] ?? ''}`,
    );
  }
  const value: unknown = doc.toJS();
  if (
    value !== null &&
    value !== undefined &&
    (typeof value !== 'object' || Array.isArray(value))
  ) {
    throw new ConfigError(
      `${file}: expected a mapping of sections (repositories, git, registries, automation, cache, log, server, webhooks, cluster) at the top level`,
    );
  }
  const where = (path: readonly PropertyKey[]): string | undefined => {
    const node = nodeAt(doc.contents, path);
    if (node?.range === undefined || node.range === null) return undefined;
    return `${file}:${lineCounter.linePos(node.range[0]).line}`;
  };
  return { raw: (value ?? {}) as Record<string, unknown>, where };
}

/** The deepest YAML node along `path` (for pointing at the line of a bad key). */
function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => (item.key as { value?: unknown } | null)?.value === key,
      );
      if (pair === undefined) return node;
      node = (pair.value ?? pair.key) as Node | undefined;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (item === undefined) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

function settableLeaves(): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  for (const section of SECTIONS) {
    for (const leaf of listLeaves(configSchema.shape[section], [section]))
      leaves.set(envName(leaf.path), leaf);
  }
  return leaves;
}

/** Every setting an environment variable can set, for `tagpilot config --env` and the docs. */
export function listSettings(): { variable: string; key: string; type: string }[] {
  return [...settableLeaves()]
    .map(([variable, leaf]) => ({ variable, key: leaf.path.join('.'), type: leaf.kind }))
    .sort((a, b) => a.variable.localeCompare(b.variable));
}

/** Every `TAGPILOT_*` variable mapped to a config path; an unknown one is an error, not a no-op. */
function environmentOverrides(
  env: Readonly<Record<string, string | undefined>>,
): [readonly string[], unknown, string][] {
  const leaves = settableLeaves();
  const result: [readonly string[], unknown, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('TAGPILOT_') || name === 'TAGPILOT_CONFIG' || value === undefined)
      continue;
    const leaf = leaves.get(name);
    if (leaf === undefined) {
      throw new ConfigError(
        `unknown environment variable ${name}; the settable ones are: ${[...leaves.keys()].sort().join(', ')}`,
      );
    }
    result.push([leaf.path, coerce(value, leaf, name), name]);
  }
  return result;
}

function coerce(value: string, leaf: Leaf, name: string): unknown {
  switch (leaf.kind) {
    case 'number': {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number))
        throw new ConfigError(`${name}: expected a number, got ${JSON.stringify(value)}`);
      return number;
    }
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(value)}`);
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'duration':
      if (parseDuration(value) === undefined && !/^\d+$/.test(value)) {
        throw new ConfigError(
          `${name}: expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(value)}`,
        );
      }
      return /^\d+$/.test(value) ? Number(value) : value;
    case 'string':
      return value;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  file: string | undefined,
  where: (path: readonly PropertyKey[]) => string | undefined,
  origins: ReadonlyMap<string, Origin>,
): string {
  const lines = issues.map((issue) => {
    const keys =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => [...issue.path, key])
        : [issue.path];
    return keys
      .map((path) => {
        const dotted = path.map(String).join('.') || '(top level)';
        const origin = origins.get(dotted);
        const place =
          origin?.kind === 'env'
            ? `environment variable ${origin.name}`
            : origin?.kind === 'flag'
              ? `flag ${origin.flag}`
              : (where(path) ?? file ?? 'defaults');
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown key "${dotted}"`
            : `${dotted}: ${issue.message}`;
        return `${place}: ${message}`;
      })
      .join('\n');
  });
  return `invalid configuration:\n  ${lines.join('\n  ')}`;
}

/**
 * Where `docker login` keeps credentials, as the Docker CLI looks for them:
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` — used only when it exists and
 * `registries.dockerConfigFile` is not set, so `tagpilot scan` works like `docker pull` does.
 */
function defaultDockerConfig(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const dir = nonEmpty(env.DOCKER_CONFIG) ?? join(nonEmpty(env.HOME) ?? homedir(), '.docker');
  const file = join(dir, 'config.json');
  return existsSync(file) ? file : undefined;
}

function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = nonEmpty(env.XDG_CACHE_HOME) ?? join(nonEmpty(env.HOME) ?? homedir(), '.cache');
  return join(base, 'tagpilot');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
