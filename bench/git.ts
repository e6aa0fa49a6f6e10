/**
 * Git benchmark: tagpilot's store vs the `git` CLI, same server, same run (docs/git.md).
 *
 *   npx tsx bench/git.ts [sizes...]      e.g. `npx tsx bench/git.ts 5000 50000` (default 5000)
 *
 * Each repository has N small YAML files, each in its own directory (the worst case for trees),
 * served by `git http-backend` on loopback. Steps: initial sync, no-op sync, one-file commit +
 * push, ten-file commit + push. tagpilot steps run in their own Node process (this file with
 * `--step`), timing the operation inside the process and reporting the process's peak RSS; git
 * steps are timed by /usr/bin/time (wall time, max RSS of the largest git process).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openGitStore } from '../src/git/index.js';
import { SecretRedactor } from '../src/telemetry/index.js';
import { startGitHttpServer } from '../test/support/git/http-server.js';

const run = promisify(execFile);
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};

interface Measure {
  readonly ms: number;
  readonly rssMiB: number;
}

const filePath = (i: number): string =>
  `apps/team${i % 50}/svc${Math.floor(i / 50)}/deploy-${i}.yaml`;
const manifest = (i: number, tag: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.test/team/svc-${i}:${tag}\n`;

/** Builds a bare repository of `count` files with git fast-import, then packs it. */
async function makeRepo(bare: string, count: number): Promise<void> {
  await run('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: ENV });
  const chunks: string[] = [
    'commit refs/heads/main\ncommitter bench <bench@example.test> 1700000000 +0000\ndata 5\nbase\n',
  ];
  for (let i = 0; i < count; i++) {
    const body = manifest(i, '1.0.0');
    chunks.push(`M 100644 inline ${filePath(i)}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], {
      cwd: bare,
      env: ENV,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`git fast-import exited ${code}`));
    });
    child.stdin.end(chunks.join(''));
  });
  await run('git', ['gc', '-q', '--aggressive', '--prune=now'], { cwd: bare, env: ENV });
  await run('git', ['config', 'http.receivepack', 'true'], { cwd: bare, env: ENV });
}

/** Runs a git command under /usr/bin/time; returns wall ms and max RSS. */
async function timedGit(args: string[], cwd: string): Promise<Measure> {
  const { stderr } = await run('/usr/bin/time', ['-f', 'TIME %e %M', 'git', ...args], {
    cwd,
    env: ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /TIME ([\d.]+) (\d+)/.exec(stderr);
  if (match === null) throw new Error(`no timing in: ${stderr}`);
  return { ms: Number(match[1]) * 1000, rssMiB: Number(match[2]) / 1024 };
}

const sum = (parts: Measure[]): Measure => ({
  ms: parts.reduce((total, part) => total + part.ms, 0),
  rssMiB: Math.max(...parts.map((part) => part.rssMiB)),
});

/** One tagpilot step in this (child) process; prints a JSON Measure. */
async function step(name: string, url: string, cacheDir: string, round: string): Promise<void> {
  const store = await openGitStore({
    url,
    branch: 'main',
    cacheDir,
    author: { name: 'tagpilot', email: 'tagpilot@example.test' },
    redactor: new SecretRedactor(),
    cache: {},
  });
  const count = Number(process.env.BENCH_FILES);
  let ms: number;
  try {
    if (name !== 'initial' && name !== 'baseline') await store.sync();
    const started = performance.now();
    if (name === 'baseline') {
      // Only Node, tsx, isomorphic-git and an opened store: the floor under every RSS figure.
    } else if (name === 'initial' || name === 'noop') {
      await store.sync();
    } else {
      const n = name === 'commit1' ? 1 : 10;
      const writes = Array.from({ length: n }, (_, k) => {
        const i = Math.floor(((k + 1) * count) / (n + 1));
        return { path: filePath(i), bytes: new TextEncoder().encode(manifest(i, `2.0.${round}`)) };
      });
      await store.commit(writes, `bench ${name} ${round}`);
      await store.push();
    }
    ms = performance.now() - started;
  } finally {
    await store.close();
  }
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, rssMiB })}\n`);
}

async function childStep(
  name: string,
  url: string,
  cacheDir: string,
  count: number,
  round: number,
): Promise<Measure> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--step', name, url, cacheDir, String(round)],
    { env: { ...process.env, BENCH_FILES: String(count) }, maxBuffer: 16 * 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Measure;
}

async function gitSteps(
  url: string,
  dir: string,
  count: number,
  round: number,
): Promise<Record<string, Measure>> {
  const work = path.join(dir, `git-${round}`);
  const bareClone = path.join(dir, `git-bare-${round}`);
  const cloneBare = await timedGit(
    ['clone', '-q', '--bare', '--depth', '1', '--single-branch', '--no-tags', url, bareClone],
    dir,
  );
  const clone = await timedGit(
    ['clone', '-q', '--depth', '1', '--single-branch', '--no-tags', url, work],
    dir,
  );
  const noop = await timedGit(['fetch', '-q', 'origin', 'main'], work);
  const edit = async (n: number, tag: string): Promise<Measure> => {
    for (let k = 0; k < n; k++) {
      const i = Math.floor(((k + 1) * count) / (n + 1));
      await writeFile(path.join(work, filePath(i)), manifest(i, tag));
    }
    const add = await timedGit(['add', '-u'], work);
    const commit = await timedGit(['commit', '-q', '-m', `git ${n} ${tag}`], work);
    const push = await timedGit(['push', '-q', 'origin', 'main'], work);
    return sum([add, commit, push]);
  };
  const one = await edit(1, `3.0.${round}`);
  const ten = await edit(10, `3.1.${round}`);
  return {
    'initial sync (clone, no checkout)': cloneBare,
    'initial sync (clone with checkout)': clone,
    'no-op sync': noop,
    'commit+push 1 file': one,
    'commit+push 10 files': ten,
  };
}

const fmt = (values: Measure[]): string => {
  const m = median(values);
  if (m === undefined) return '—';
  const times = values.map((v) => v.ms / 1000);
  const range =
    values.length > 1 ? ` (${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)})` : '';
  return `${(m.ms / 1000).toFixed(2)} s${range} / ${m.rssMiB.toFixed(0)} MiB`;
};

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  if (sizes.length === 0) sizes.push(5000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? '2');
  for (const count of sizes) {
    const dir = await mkdtemp(path.join(tmpdir(), `tagpilot-bench-${count}-`));
    try {
      const root = path.join(dir, 'srv');
      const madeAt = performance.now();
      await makeRepo(path.join(root, 'repo.git'), count);
      console.log(
        `\n## ${count} files (repo built in ${((performance.now() - madeAt) / 1000).toFixed(1)} s), ${rounds} round(s)`,
      );
      const server = await startGitHttpServer({ root });
      const url = server.url('repo.git');
      const rows = new Map<string, { tagpilot: Measure[]; git: Measure[] }>();
      const add = (row: string, who: 'tagpilot' | 'git', m: Measure): void => {
        const entry = rows.get(row) ?? { tagpilot: [], git: [] };
        entry[who].push(m);
        rows.set(row, entry);
      };
      try {
        for (let round = 1; round <= rounds; round++) {
          const cacheDir = path.join(dir, `cache-${round}`);
          add(
            'process floor (node + tsx + opened store, no I/O)',
            'tagpilot',
            await childStep('baseline', url, path.join(dir, 'empty'), count, round),
          );
          add(
            'initial sync (clone, no checkout)',
            'tagpilot',
            await childStep('initial', url, cacheDir, count, round),
          );
          add('no-op sync', 'tagpilot', await childStep('noop', url, cacheDir, count, round));
          add(
            'commit+push 1 file',
            'tagpilot',
            await childStep('commit1', url, cacheDir, count, round),
          );
          add(
            'commit+push 10 files',
            'tagpilot',
            await childStep('commit10', url, cacheDir, count, round),
          );
          for (const [row, m] of Object.entries(await gitSteps(url, dir, count, round)))
            add(row, 'git', m);
        }
      } finally {
        await server.stop();
      }
      console.log(
        '| step | tagpilot: median (min–max) / peak RSS | git CLI: median (min–max) / peak RSS |',
      );
      console.log('|---|---|---|');
      for (const [row, { tagpilot, git }] of rows) {
        console.log(`| ${row} | ${fmt(tagpilot)} | ${fmt(git)} |`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function median(values: Measure[]): Measure | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.map((v) => v.ms).sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const ms =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(mid)] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { ms, rssMiB: Math.max(...values.map((v) => v.rssMiB)) };
}

if (process.argv[2] === '--step') {
  await step(
    process.argv[3] ?? '',
    process.argv[4] ?? '',
    process.argv[5] ?? '',
    process.argv[6] ?? '1',
  );
} else {
  await main();
}
