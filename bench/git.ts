/**
 * Git benchmark: tagpilot's store beside the `git` CLI, same server, same run, interleaved
 * (docs/git.md "Benchmark").
 *
 *   npx tsx bench/git.ts [shape:count ...]     default: gitops:50000 deep:50000
 *   BENCH_ROUNDS=n (default 5)                 pairs per row
 *   BENCH_STEPS=sync,commit,read (default all) which parts to run
 *
 * Shapes are described in bench/git-repos.ts. Each repository is built with `git fast-import`,
 * packed with `git gc --aggressive` and served by `git http-backend` on loopback.
 *
 * tagpilot runs compiled (the sources and bench/git-step.ts are compiled with tsc into a
 * `.tmp-bench-*` folder first) under plain `node`, as the installed package does. Two figures:
 *   whole process  a fresh `node` running the step, timed from outside: start-up, imports,
 *                  opening the store (lock), the step, exit;
 *   in process     the step timed inside a long-lived process that has already done one (the
 *                  controller's path: start-up paid once, caches warm).
 * git runs as whole processes, timed the same way: `clone --bare --depth 1 --single-branch`,
 * `fetch`, and `add -u` + `commit` + `push` (three processes, summed) in two states:
 *   steady state        a work tree that has committed before (its index is fresh);
 *   first after clone   the first commit in a fresh clone (the index refresh is included).
 * Every row alternates which side goes first, round by round. Figures are medians with the
 * min–max range; ratios are tagpilot / git per pair, median (min–max). CPU is user + system;
 * RSS is the peak of the largest process. The machine is shared: compare sides within a run.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { startGitHttpServer } from '../test/support/git/http-server.js';
import { editedFiles, filePath, fileText, isShape, type Shape } from './git-repos.js';

const run = promisify(execFile);
const ROOT = path.dirname(import.meta.dirname);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '5');
const STEPS = new Set((process.env.BENCH_STEPS ?? 'sync,commit,read').split(','));
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  /** What the tagpilot step timed inside its process, when it is one. */
  readonly inMs?: number;
  readonly extra?: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Processes

let timeFile = '';

/** Runs a whole process under /usr/bin/time: wall (from here), CPU and peak RSS. */
async function measure(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = GIT_ENV,
): Promise<Sample> {
  const started = performance.now();
  const { stdout } = await run(
    '/usr/bin/time',
    ['-o', timeFile, '-f', '%U %S %M', command, ...args],
    { cwd, env, maxBuffer: 256 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  const [user = 0, sys = 0, rss = 0] = (await readFile(timeFile, 'utf8'))
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  const last = stdout.trim().split('\n').pop() ?? '';
  const reply = last.startsWith('{') ? (JSON.parse(last) as { ms?: number }) : {};
  return {
    wallMs,
    cpuMs: (user + sys) * 1000,
    rssMiB: rss / 1024,
    ...(reply.ms === undefined ? {} : { inMs: reply.ms }),
  };
}

/** Several processes in a row, as one figure (wall and CPU summed, RSS the largest). */
function combine(samples: readonly Sample[]): Sample {
  return {
    wallMs: samples.reduce((t, s) => t + s.wallMs, 0),
    cpuMs: samples.reduce((t, s) => t + s.cpuMs, 0),
    rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
  };
}

const git = (args: readonly string[], cwd: string): Promise<Sample> => measure('git', args, cwd);

async function gitQuiet(args: readonly string[], cwd: string): Promise<void> {
  await run('git', [...args], { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
}

/** Compiles the sources and bench/git-step.ts into `<repo>/.tmp-bench-<pid>` (node_modules resolve). */
async function compileStep(): Promise<{ script: string; dir: string }> {
  const dir = path.join(ROOT, `.tmp-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const config = path.join(dir, 'tsconfig.json');
  await writeFile(
    config,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: dir, sourceMap: false, noEmit: false },
      include: [],
      files: [path.join(ROOT, 'bench', 'git-step.ts')],
    }),
  );
  await run(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config],
    {
      cwd: ROOT,
    },
  );
  return { script: path.join(dir, 'bench', 'git-step.js'), dir };
}

let stepScript = '';

function tagpilot(args: readonly string[]): Promise<Sample> {
  return measure(process.execPath, [stepScript, ...args], ROOT, process.env);
}

/** A long-lived tagpilot process answering one JSON line per command. */
class StepServer {
  readonly #child;
  readonly #lines: AsyncIterator<string>;

  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, [stepScript, 'serve', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async ask(command: string): Promise<Record<string, number>> {
    this.#child.stdin.write(`${command}\n`);
    const next = await this.#lines.next();
    if (next.done === true) throw new Error(`the step server ended during ${command}`);
    const reply = JSON.parse(next.value) as Record<string, number> | { error: string };
    if ('error' in reply && typeof reply.error === 'string') throw new Error(reply.error);
    return reply as Record<string, number>;
  }

  /** Closes its stdin (it exits when stdin ends) and waits for the exit. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      this.#child.once('exit', () => {
        resolve();
      });
    });
    this.#child.stdin.end();
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Repositories

async function makeRepo(bare: string, shape: Shape, count: number): Promise<void> {
  await gitQuiet(['init', '-q', '--bare', '-b', 'main', bare], tmpdir());
  const chunks: string[] = [
    'commit refs/heads/main\ncommitter bench <bench@example.test> 1700000000 +0000\ndata 5\nbase\n',
  ];
  for (let i = 0; i < count; i++) {
    const body = fileText(shape, i, '1.0.0');
    chunks.push(
      `M 100644 inline ${filePath(shape, i)}\ndata ${Buffer.byteLength(body)}\n${body}\n`,
    );
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], {
      cwd: bare,
      env: GIT_ENV,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`git fast-import exited ${code}`));
    });
    child.stdin.end(chunks.join(''));
  });
  await gitQuiet(['gc', '-q', '--aggressive', '--prune=now'], bare);
  await gitQuiet(['config', 'http.receivepack', 'true'], bare);
}

async function editWorkTree(
  work: string,
  shape: Shape,
  count: number,
  n: number,
  tag: string,
): Promise<void> {
  for (const i of editedFiles(shape, count, n))
    await writeFile(path.join(work, filePath(shape, i)), fileText(shape, i, tag));
}

async function gitCommitPush(work: string, n: number, tag: string): Promise<Sample> {
  return combine([
    await git(['add', '-u'], work),
    await git(['commit', '-q', '-m', `git: ${n} file(s) to ${tag}`], work),
    await git(['push', '-q', 'origin', 'main'], work),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Figures

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const seconds = (ms: number): string =>
  ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(3);

function spread(values: readonly number[], unit: (v: number) => string): string {
  if (values.length === 0) return '—';
  return `${unit(median(values))} (${unit(Math.min(...values))}–${unit(Math.max(...values))})`;
}

interface Row {
  readonly name: string;
  readonly a: Sample[];
  readonly b: Sample[];
  readonly aLabel: string;
  readonly bLabel: string;
  /** Compare in-process figures of side a with side b's whole process. */
  readonly aInProcess?: boolean;
}

function describeSide(samples: readonly Sample[], inProcess: boolean): string {
  if (samples.length === 0) return '—';
  const wall = spread(
    samples.map((s) => (inProcess ? (s.inMs ?? Number.NaN) : s.wallMs)),
    seconds,
  );
  if (inProcess) return `${wall} s`;
  const cpu = seconds(median(samples.map((s) => s.cpuMs)));
  const rss = Math.max(...samples.map((s) => s.rssMiB)).toFixed(0);
  return `${wall} s, CPU ${cpu} s, ${rss} MiB`;
}

function printRows(title: string, rows: readonly Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log(
    '| step | tagpilot | wall median (min–max), CPU median, peak RSS | reference | wall median (min–max), CPU median, peak RSS | wall ratio (per pair) | CPU ratio |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const aWall = row.a.map((s) => (row.aInProcess === true ? (s.inMs ?? Number.NaN) : s.wallMs));
    const ratios = aWall
      .map((wall, i) => wall / (row.b[i]?.wallMs ?? Number.NaN))
      .filter((r) => Number.isFinite(r));
    const cpuRatios = row.a
      .map((s, i) => s.cpuMs / (row.b[i]?.cpuMs ?? Number.NaN))
      .filter((r) => Number.isFinite(r));
    const times = (r: number): string => `${r.toFixed(2)}×`;
    console.log(
      `| ${row.name} | ${row.aLabel} | ${describeSide(row.a, row.aInProcess === true)} | ${row.bLabel} | ${describeSide(row.b, false)} | ${spread(ratios, times)} | ${row.aInProcess === true ? '—' : spread(cpuRatios, times)} |`,
    );
  }
}

/** Runs `a` and `b` in turn, `a` first in odd rounds and `b` first in even ones. */
async function interleaved(
  round: number,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<void> {
  if (round % 2 === 1) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}

// ---------------------------------------------------------------------------------------------
// One repository

async function benchRepository(shape: Shape, count: number): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), `tagpilot-bench-${shape}-${count}-`));
  const serverRoot = path.join(dir, 'srv');
  const builtAt = performance.now();
  await makeRepo(path.join(serverRoot, 'repo.git'), shape, count);
  const objects = (
    await run('git', ['count-objects', '-v'], {
      cwd: path.join(serverRoot, 'repo.git'),
      env: GIT_ENV,
    })
  ).stdout;
  const inPack = /in-pack: (\d+)/.exec(objects)?.[1] ?? '?';
  console.log(
    `\n## ${shape}: ${count} files, ${inPack} objects (built in ${((performance.now() - builtAt) / 1000).toFixed(0)} s), ${ROUNDS} rounds`,
  );
  const server = await startGitHttpServer({ root: serverRoot });
  const url = server.url('repo.git');
  try {
    if (STEPS.has('sync')) await benchSync(url, dir, shape, count);
    if (STEPS.has('commit')) await benchCommits(shape, count, url, dir);
    if (shape === 'gitops' && STEPS.has('read')) await benchReads(url, dir, shape, count);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh gitdir against a fresh bare clone, then a no-op sync against a no-op fetch. */
async function benchSync(url: string, dir: string, shape: Shape, count: number): Promise<void> {
  const first = { tp: [] as Sample[], git: [] as Sample[] };
  const noop = { tp: [] as Sample[], git: [] as Sample[] };
  for (let round = 1; round <= ROUNDS; round++) {
    const cache = path.join(dir, `sync-${round}`);
    const bare = path.join(dir, `bare-${round}`);
    await interleaved(
      round,
      async () => {
        first.tp.push(await tagpilot(['sync', url, cache]));
      },
      async () => {
        first.git.push(
          await git(
            ['clone', '-q', '--bare', '--depth', '1', '--single-branch', '--no-tags', url, bare],
            dir,
          ),
        );
      },
    );
    await interleaved(
      round,
      async () => {
        noop.tp.push(await tagpilot(['sync', url, cache]));
      },
      async () => {
        noop.git.push(await git(['fetch', '-q', 'origin', 'main'], bare));
      },
    );
    await rm(cache, { recursive: true, force: true });
    await rm(bare, { recursive: true, force: true });
  }
  printRows(`${shape} ${count}: sync`, [
    {
      name: 'first sync',
      aLabel: 'whole process',
      a: first.tp,
      bLabel: 'git clone --bare --depth 1 --single-branch',
      b: first.git,
    },
    {
      name: 'first sync',
      aLabel: 'in process',
      a: first.tp,
      aInProcess: true,
      bLabel: 'git clone --bare --depth 1 --single-branch',
      b: first.git,
    },
    { name: 'no-op sync', aLabel: 'whole process', a: noop.tp, bLabel: 'git fetch', b: noop.git },
    {
      name: 'no-op sync',
      aLabel: 'in process',
      a: noop.tp,
      aInProcess: true,
      bLabel: 'git fetch',
      b: noop.git,
    },
  ]);
}

async function benchCommits(shape: Shape, count: number, url: string, dir: string): Promise<void> {
  const wholeCache = path.join(dir, 'whole');
  await tagpilot(['sync', url, wholeCache]);
  const server = new StepServer([url, path.join(dir, 'served'), shape, String(count)]);
  const steady = path.join(dir, 'steady');
  await gitQuiet(['clone', '-q', '--depth', '1', '--single-branch', '--no-tags', url, steady], dir);
  try {
    // Warm-up: one commit on each side, so the rounds see steady states.
    await server.ask('sync');
    await server.ask('commit 1 0.0.1');
    await gitQuiet(['pull', '-q', '--ff-only'], steady);
    await editWorkTree(steady, shape, count, 1, '0.0.2');
    await gitCommitPush(steady, 1, '0.0.2');

    const rows: Row[] = [];
    for (const n of [1, 10, 500]) {
      const whole: Sample[] = [];
      const inProcess: Sample[] = [];
      const gitSteady: Sample[] = [];
      const gitFirst: Sample[] = [];
      const rounds = n === 500 ? Math.min(ROUNDS, 3) : ROUNDS;
      for (let round = 1; round <= rounds; round++) {
        const tag = (side: string): string => `${n}.${round}.${side}`;
        const tagpilotSide = async (): Promise<void> => {
          await tagpilot(['sync', url, wholeCache]);
          whole.push(
            await tagpilot(['commit', url, wholeCache, shape, String(count), String(n), tag('1')]),
          );
          await server.ask('sync');
          const reply = await server.ask(`commit ${n} ${tag('2')}`);
          inProcess.push({ wallMs: Number.NaN, cpuMs: Number.NaN, rssMiB: 0, inMs: reply.ms ?? 0 });
        };
        const gitSide = async (): Promise<void> => {
          await gitQuiet(['pull', '-q', '--ff-only'], steady);
          await editWorkTree(steady, shape, count, n, tag('3'));
          gitSteady.push(await gitCommitPush(steady, n, tag('3')));
          if (n === 500) return;
          const fresh = path.join(dir, `fresh-${n}-${round}`);
          await gitQuiet(
            ['clone', '-q', '--depth', '1', '--single-branch', '--no-tags', url, fresh],
            dir,
          );
          await editWorkTree(fresh, shape, count, n, tag('4'));
          gitFirst.push(await gitCommitPush(fresh, n, tag('4')));
          await rm(fresh, { recursive: true, force: true });
        };
        await interleaved(round, tagpilotSide, gitSide);
      }
      const name = `commit + push, ${n} file${n === 1 ? '' : 's'}`;
      rows.push(
        { name, aLabel: 'whole process', a: whole, bLabel: 'git, steady state', b: gitSteady },
        {
          name,
          aLabel: 'in process',
          a: inProcess,
          aInProcess: true,
          bLabel: 'git, steady state',
          b: gitSteady,
        },
      );
      if (gitFirst.length > 0)
        rows.push({
          name,
          aLabel: 'whole process',
          a: whole,
          bLabel: 'git, first commit after clone',
          b: gitFirst,
        });
    }
    printRows(`${shape} ${count}: commit + push (git: add -u + commit + push)`, rows);
  } finally {
    await server.stop();
  }
}

async function benchReads(url: string, dir: string, shape: Shape, count: number): Promise<void> {
  const server = new StepServer([url, path.join(dir, 'reads'), shape, String(count)]);
  const bare = path.join(dir, 'read-bare');
  await gitQuiet(
    ['clone', '-q', '--bare', '--depth', '1', '--single-branch', '--no-tags', url, bare],
    dir,
  );
  const manifests: Sample[] = [];
  const all: Sample[] = [];
  const archive: Sample[] = [];
  try {
    await server.ask('sync');
    await server.ask('read'); // warm-up: the pack index and the trees
    for (let round = 1; round <= ROUNDS; round++) {
      await interleaved(
        round,
        async () => {
          const reply = await server.ask('read');
          manifests.push({ wallMs: Number.NaN, cpuMs: Number.NaN, rssMiB: 0, inMs: reply.ms ?? 0 });
          all.push({ wallMs: Number.NaN, cpuMs: Number.NaN, rssMiB: 0, inMs: reply.allMs ?? 0 });
        },
        async () => {
          archive.push(await git(['archive', '-o', path.join(dir, 'head.tar'), 'HEAD'], bare));
        },
      );
    }
  } finally {
    await server.stop();
  }
  printRows(`${shape} ${count}: reading files at a commit`, [
    {
      name: `the ${Math.ceil(count / 10)} manifests`,
      aLabel: 'in process (warm)',
      a: manifests,
      aInProcess: true,
      bLabel: 'git archive HEAD (every file)',
      b: archive,
    },
    {
      name: `every file (${count})`,
      aLabel: 'in process (warm)',
      a: all,
      aInProcess: true,
      bLabel: 'git archive HEAD (every file)',
      b: archive,
    },
  ]);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const targets = process.argv.slice(2);
  if (targets.length === 0) targets.push('gitops:50000', 'deep:50000');
  const parsed = targets.map((target) => {
    const [shape = '', count = ''] = target.split(':');
    if (!isShape(shape) || !(Number(count) > 0))
      throw new Error(`give shape:count (deep or gitops), not ${target}`);
    return { shape, count: Number(count) };
  });
  const compiled = await compileStep();
  stepScript = compiled.script;
  const scratch = await mkdtemp(path.join(tmpdir(), 'tagpilot-bench-time-'));
  timeFile = path.join(scratch, 'time.txt');
  console.log(
    `# bench/git.ts — node ${process.version}, ${(await run('git', ['--version'])).stdout.trim()}, load ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')}`,
  );
  try {
    for (const { shape, count } of parsed) await benchRepository(shape, count);
  } finally {
    await rm(compiled.dir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
