/**
 * Cycle benchmark (docs/automation.md): a repository of 2,000 workloads using 300 images, served
 * by `git http-backend` on loopback, with the images on the loopback OCI registry double
 * (test/support/registry/double.ts). Three cycles in a row, as a controller would run them:
 *
 *   cold       fresh cache: first clone, every image repository scanned, nothing to update
 *   no-change  warm: nothing moved (one ref advertisement, cached scans)
 *   ten        a new tag on 10 images used by one workload each: one commit of 10 updates
 *
 * Prints wall time, registry requests counted by the double (server side) and by the client,
 * and RSS (current, and the process's peak so far).
 *
 *   npx tsx bench/cycle.ts [workloads] [images]      (defaults 2000 300)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCycle, type CycleSettings } from '../src/automation/cycle.js';
import { FilesAtCommit } from '../src/automation/pipeline.js';
import { discoverFor } from '../src/automation/wiring.js';
import { openGitStore } from '../src/git/index.js';
import { createRegistryClient } from '../src/registry/index.js';
import { createLogger, SecretRedactor } from '../src/telemetry/index.js';
import { createBareRepo } from '../test/support/git/repos.js';
import { startGitHttpServer } from '../test/support/git/http-server.js';
import { RegistryDouble, storeImage } from '../test/support/registry/double.js';
import { makeImage } from '../test/support/registry/images.js';

const WORKLOADS = Number(process.argv[2] ?? 2000);
const IMAGES = Number(process.argv[3] ?? 300);
const TEN = 10;
const TAGS = Array.from({ length: 10 }, (_, i) => `1.0.${i}`);

/** Workloads 0..W-11 share images 0..I-11; the last ten have one image each. */
function imageOf(i: number): number {
  return i >= WORKLOADS - TEN ? IMAGES - TEN + (i - (WORKLOADS - TEN)) : i % (IMAGES - TEN);
}

function manifest(i: number, host: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team-${i % 20}
  annotations:
    tagpilot.io/automated: "true"
    tagpilot.io/tag.app: semver:^1
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${host}/bench/img-${imageOf(i)}:1.0.9
`;
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'tagpilot-bench-cycle-'));
  const registry = await new RegistryDouble().start();
  const host = new URL(registry.origin).host;
  for (let k = 0; k < IMAGES; k += 1) {
    const repo = registry.repo(`bench/img-${k}`);
    TAGS.forEach((tag, t) => {
      storeImage(
        repo,
        makeImage(`2026-01-0${1 + (t % 9)}T00:00:00Z`, 'linux/amd64', `${k}-${tag}`),
        [tag],
      );
    });
  }
  const files: Record<string, { content: string }> = {};
  for (let i = 0; i < WORKLOADS; i += 1)
    files[`apps/team-${i % 20}/svc-${i}.yaml`] = { content: manifest(i, host) };
  await createBareRepo(root, 'gitops.git', [files]);
  const server = await startGitHttpServer({ root });
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'silent', redactor, destination: { write: () => true } });
  const git = await openGitStore({
    url: server.url('gitops.git'),
    branch: 'main',
    cacheDir: path.join(root, 'cache'),
    author: { name: 'tagpilot', email: 'tagpilot@example.test' },
    redactor,
  });
  const client = await createRegistryClient({
    settings: { hosts: { [host]: { insecure: true, concurrency: 16, perSecond: 10_000 } } },
    cacheDir: path.join(root, 'cache'),
    redactor,
    logger,
  });
  const repo = {
    url: server.url('gitops.git'),
    branch: 'main',
    paths: ['.'],
    defaultNamespace: 'default',
    pushBranch: undefined,
  };
  const settings: CycleSettings = {
    repository: repo.url,
    paths: ['.'],
    minTagAgeMs: 0,
    metadataBudget: 200,
    holdDepth: 50,
    scanConcurrency: 16,
    maxRetries: 2,
    backoff: { baseMs: 100, maxMs: 1000 },
    skipCi: false,
    suspended: false,
    write: true,
  };
  const deps = {
    git,
    files: new FilesAtCommit(),
    registry: client,
    discover: discoverFor(repo),
    logger,
    now: Date.now,
    random: Math.random,
    sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
  };

  console.log(
    `tagpilot cycle benchmark: ${WORKLOADS} workloads, ${IMAGES} images (${TAGS.length} tags each), Node ${process.version}`,
  );
  console.log(
    'cycle       wall ms  registry requests (server / client)  updated  outcome     RSS MiB  peak RSS MiB',
  );
  const measure = async (name: string): Promise<void> => {
    client.newCycle();
    const before = registry.apiRequests().length;
    const started = performance.now();
    const { summary } = await runCycle(deps, settings);
    const wall = performance.now() - started;
    const server = registry.apiRequests().length - before;
    const usage = process.resourceUsage();
    console.log(
      `${name.padEnd(10)}  ${wall.toFixed(0).padStart(7)}  ${`${server} / ${summary.registryRequests}`.padStart(35)}  ${String(summary.updated).padStart(7)}  ${summary.outcome.padEnd(10)}  ${mib(process.memoryUsage().rss).padStart(7)}  ${mib(usage.maxRSS * 1024).padStart(12)}`,
    );
  };
  try {
    await measure('cold');
    await measure('no-change');
    for (let k = IMAGES - TEN; k < IMAGES; k += 1)
      storeImage(
        registry.repo(`bench/img-${k}`),
        makeImage('2026-02-01T00:00:00Z', 'linux/amd64', `${k}-new`),
        ['1.1.0'],
      );
    await measure('ten');
  } finally {
    await client.close();
    await git.close();
    await server.stop();
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
