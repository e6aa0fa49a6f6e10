/**
 * Registry benchmark (issue 4): 100 repositories × 1,000 tags on the loopback protocol double
 * (test/support/registry/double.ts, in its own process so RSS figures are the client's).
 * For each scenario, a fresh process runs a full scan (empty cache) and a second scan (same
 * cache, nothing new) and prints requests counted by the server, wall time and peak RSS, with
 * Flux v1's cost for the same work (a tag list plus two requests per tag, every scan).
 *
 *   npx tsx bench/registry.ts            # every scenario
 *   npx tsx bench/registry.ts bulk gcr   # only scenarios whose key is listed
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseImageRef, type ImageRef } from '../src/image/index.js';
import { accepts, compareTags, parsePolicy, type Policy } from '../src/policy/index.js';
import { createRegistryClient, type BulkMetadataSource } from '../src/registry/index.js';
import { createLogger, SecretRedactor } from '../src/telemetry/index.js';
import { RegistryDouble, storeImage } from '../test/support/registry/double.js';
import { makeImage } from '../test/support/registry/images.js';

const REPOS = 100;
const TAGS = 1000;
const SELF = fileURLToPath(import.meta.url);

/** Tag i of a repository: 1,000 tags, 100 of them `1.0.x` releases, the rest CI builds. */
function tagName(i: number): string {
  return i % 10 === 0 ? `1.0.${i / 10}` : `main-${i.toString(16).padStart(4, '0')}`;
}
function pushedAt(repo: number, i: number): number {
  return Date.parse('2024-01-01T00:00:00Z') + (repo * TAGS + i) * 60_000;
}

async function serve(): Promise<void> {
  const double = await new RegistryDouble({ etag: true }).start();
  for (let r = 0; r < REPOS; r += 1) {
    const repo = double.repo(`bench/r${r}`);
    for (let i = 0; i < TAGS; i += 1)
      storeImage(
        repo,
        makeImage(new Date(pushedAt(r, i)).toISOString(), 'linux/amd64', `${r}-${i}`),
        [tagName(i)],
        pushedAt(r, i),
      );
    // Registries do not sort (distribution 2.8, ECR, GHCR): reverse to prove nothing assumes it.
    repo.tags.reverse();
  }
  // A bulk endpoint standing in for ECR DescribeImages / Hub's tags API: one request per repo.
  const bulk = createServer((request, response) => {
    const repo = Number(/r(\d+)$/.exec(request.url ?? '')?.[1] ?? -1);
    double.requests.push({ method: 'GET', url: `/bulk${request.url ?? ''}`, headers: {} });
    const body = Array.from({ length: TAGS }, (_, i) => [tagName(i), pushedAt(repo, i)]);
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => bulk.listen(0, '127.0.0.1', resolve));
  const address = bulk.address();
  const bulkPort = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(
    `${JSON.stringify({ origin: double.origin, bulk: `http://127.0.0.1:${bulkPort}` })}\n`,
  );
  process.stdin.on('data', (chunk: Buffer) => {
    for (const command of chunk.toString().split('\n')) {
      if (command === 'count') process.stdout.write(`${double.requests.length}\n`);
      // GCR / Artifact Registry's `manifest{}` in tags/list, on or off per scenario.
      if (command.startsWith('google ')) double.options.googleManifest = command === 'google on';
      if (command === 'stop') process.exit(0);
    }
  });
}

interface Scenario {
  /** Name on the command line to run only some scenarios. */
  readonly key: string;
  readonly name: string;
  readonly policy: string;
  readonly bulk: boolean;
  /** The tag list carries GCR's `manifest{}` with upload times. */
  readonly google: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'semver', name: 'semver', policy: 'semver:>=1.0.0', bulk: false, google: false },
  { key: 'glob', name: 'glob by build time', policy: 'glob:1.0.*', bulk: false, google: false },
  {
    key: 'bulk',
    name: 'glob by build time + bulk',
    policy: 'glob:1.0.*',
    bulk: true,
    google: false,
  },
  {
    key: 'gcr',
    name: 'glob by time, GCR list',
    policy: 'glob:1.0.*',
    bulk: false,
    google: true,
  },
];

async function scanAll(
  scenario: Scenario,
  origin: string,
  bulkOrigin: string,
  cacheDir: string,
): Promise<{ winners: string[]; pending: number }> {
  const host = new URL(origin).host;
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'error', redactor });
  const bulkSources: BulkMetadataSource[] = scenario.bulk
    ? [
        {
          handles: (registry) => registry === host,
          metadata: async (image: ImageRef) => {
            const response = await fetch(`${bulkOrigin}/${image.repository}`);
            const rows = (await response.json()) as [string, number][];
            return new Map(rows.map(([tag, pushed]) => [tag, { pushed }]));
          },
        },
      ]
    : [];
  const client = await createRegistryClient({
    settings: { hosts: { [host]: { insecure: true, concurrency: 16, perSecond: 20_000 } } },
    cacheDir,
    redactor,
    logger,
    bulkSources,
  });
  const policy: Policy = parsePolicy(scenario.policy);
  const winners: string[] = [];
  let pending = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (;;) {
        const r = next;
        next += 1;
        if (r >= REPOS) return;
        const image = parseImageRef(`${host}/bench/r${r}`);
        const tags = await client.listTags(image);
        const buildTime = policy.order.by === 'build-time';
        // Version policies need no metadata at all; build-time ones get an unlimited budget here.
        const result = await client.metadata(image, tags, {
          accepts: (tag) => buildTime && accepts(policy, tag),
          budget: buildTime ? 1_000_000 : 0,
        });
        pending += result.pending;
        const times = new Map(result.candidates.map((c) => [c.tag, c.pushed ?? c.created ?? 0]));
        const best = result.candidates
          .filter((c) => accepts(policy, c.tag))
          .sort((a, b) => compareTags(policy, b.tag, a.tag, { times }))[0];
        winners.push(best?.tag ?? '-');
      }
    }),
  );
  await client.close();
  return { winners, pending };
}

async function runScenario(index: number, origin: string, bulkOrigin: string): Promise<void> {
  const scenario = SCENARIOS[index];
  if (scenario === undefined) throw new Error('no scenario');
  const cacheDir = await mkdtemp(join(tmpdir(), 'tagpilot-bench-'));
  const results = [];
  for (const pass of ['full', 'second']) {
    const started = performance.now();
    const outcome = await scanAll(scenario, origin, bulkOrigin, cacheDir);
    results.push({
      pass,
      ms: Math.round(performance.now() - started),
      pending: outcome.pending,
      winner: outcome.winners[0],
    });
    process.stdout.write(`${JSON.stringify({ mark: pass })}\n`);
    await new Promise((resolve) => process.stdin.once('data', resolve));
  }
  await rm(cacheDir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ results, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
  // A paused pipe no longer holds the event loop: nothing more is read, so the process ends.
  process.stdin.pause();
}

function lines(child: ReturnType<typeof spawn>): AsyncGenerator<string> {
  let buffer = '';
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      queue.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
    wake?.();
  });
  return (async function* () {
    for (;;) {
      const line = queue.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  })();
}

async function orchestrate(): Promise<void> {
  const started = performance.now();
  const server = spawn(process.execPath, ['--import', 'tsx', SELF, 'serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const serverLines = lines(server);
  const { origin, bulk } = JSON.parse((await serverLines.next()).value as string) as {
    origin: string;
    bulk: string;
  };
  const count = async (): Promise<number> => {
    server.stdin.write('count\n');
    return Number((await serverLines.next()).value);
  };
  process.stdout.write(
    `double ready: ${REPOS} repositories × ${TAGS} tags (${Math.round((performance.now() - started) / 1000)} s to build)\n`,
  );
  const flux = REPOS * (1 + 2 * TAGS);
  process.stdout.write(
    `\n${'scenario'.padEnd(28)}${'pass'.padEnd(8)}${'requests'.padStart(10)}${'per repo'.padStart(10)}${'wall ms'.padStart(10)}${'pending'.padStart(9)}${'Flux v1'.padStart(10)}  peak RSS\n`,
  );
  const only = process.argv.slice(2);
  for (const [index, scenario] of SCENARIOS.entries()) {
    if (only.length > 0 && !only.includes(scenario.key)) continue;
    server.stdin.write(`google ${scenario.google ? 'on' : 'off'}\n`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SELF, 'scenario', String(index), origin, bulk],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const childLines = lines(child);
    let before = await count();
    const rows: string[] = [];
    const counts: number[] = [];
    for (;;) {
      const message = JSON.parse((await childLines.next()).value as string) as {
        mark?: string;
        results?: { pass: string; ms: number; pending: number }[];
        maxRssMb?: number;
      };
      if (message.mark !== undefined) {
        const now = await count();
        counts.push(now - before);
        before = now;
        child.stdin.write('go\n');
        continue;
      }
      for (const [i, result] of (message.results ?? []).entries()) {
        const requests = counts[i] ?? 0;
        rows.push(
          `${scenario.name.padEnd(28)}${result.pass.padEnd(8)}${String(requests).padStart(10)}${(requests / REPOS).toFixed(1).padStart(10)}${String(result.ms).padStart(10)}${String(result.pending).padStart(9)}${String(flux).padStart(10)}  ${i === 0 ? '' : `${message.maxRssMb ?? 0} MB`}`,
        );
      }
      break;
    }
    // The scenario child ends on its own once stdin closes; wait for it before the next one.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await exited;
    process.stdout.write(`${rows.join('\n')}\n`);
  }
  const stopped = new Promise((resolve) => server.once('exit', resolve));
  server.stdin.end('stop\n');
  await stopped;
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') await serve();
else if (mode === 'scenario') await runScenario(Number(rest[0]), rest[1] ?? '', rest[2] ?? '');
else await orchestrate();
