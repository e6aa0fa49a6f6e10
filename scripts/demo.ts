/**
 * The one-command demo (docs/demo.md): a real registry (Debian's docker-registry) and a real Git
 * server (git http-backend) on loopback, a sample GitOps repository from examples/demo/, images
 * pushed, tagpilot's cycle run, its commit and explanation shown, then a newer tag and the next
 * commit. Reuses the test servers under test/support/. Exits non-zero when any step does not do
 * what it should; everything it starts is stopped and removed.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { startGitHttpServer, type GitHttpServer } from '../test/support/git/http-server.js';
import { createBareRepo, gitCli, tempDir } from '../test/support/git/repos.js';
import { makeImage, Pusher } from '../test/support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../test/support/registry/real-registry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function step(title: string): void {
  process.stdout.write(`\n${bold(`== ${title}`)}\n`);
}

class DemoFailed extends Error {}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new DemoFailed(`demo: expected ${what}`);
}

async function tagpilot(configFile: string, cwd: string, args: string[]): Promise<number> {
  process.stdout.write(`$ tagpilot ${args.join(' ')}\n`);
  return main(['--config', configFile, '--log-level', 'warn', ...args], {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: { PATH: process.env.PATH },
    cwd,
  });
}

async function git(args: string[], cwd: string): Promise<string> {
  process.stdout.write(`$ git ${args.join(' ')}\n`);
  const out = await gitCli(args, cwd);
  process.stdout.write(out);
  return out;
}

async function demoFiles(host: string): Promise<Record<string, { content: string }>> {
  const dir = path.join(ROOT, 'examples/demo/apps');
  const files: Record<string, { content: string }> = {};
  for (const name of (await readdir(dir)).sort())
    files[`apps/${name}`] = {
      content: (await readFile(path.join(dir, name), 'utf8')).replaceAll('REGISTRY', host),
    };
  return files;
}

async function run(): Promise<void> {
  const work = await tempDir('demo');
  let registry: RealRegistry | undefined;
  let server: GitHttpServer | undefined;
  try {
    step('Starting a registry (docker-registry) and a Git server (git http-backend) on loopback');
    registry = await startRealRegistry({ kind: 'none' });
    const host = registry.host;
    const { bare } = await createBareRepo(work, 'gitops.git', [await demoFiles(host)]);
    server = await startGitHttpServer({ root: work });
    const url = server.url('gitops.git');
    process.stdout.write(`registry  http://${host}\ngit       ${url}\n`);

    const pusher = new Pusher(registry.url);
    const push = async (repo: string, tags: string[]): Promise<void> => {
      process.stdout.write(`push ${host}/${repo}: ${tags.join(' ')}\n`);
      await pusher.pushImage(
        repo,
        makeImage('2026-01-01T00:00:00Z', 'linux/amd64', `${repo}${tags.join()}`),
        tags,
      );
    };
    step('Pushing images');
    await push('acme/api', ['1.4.2']);
    await push('acme/api', ['1.4.3']);
    await push('acme/api', ['1.5.0']);
    await push('acme/worker', ['2.0.0']);
    await push('acme/worker', ['2.0.1']);

    const configFile = path.join(work, 'tagpilot.yaml');
    await writeFile(
      configFile,
      [
        'repositories:',
        `  - url: ${url}`,
        '    branch: main',
        'registries:',
        '  hosts:',
        `    "${host}":`,
        '      insecure: true',
        'cache:',
        `  dir: ${path.join(work, 'cache')}`,
        '',
      ].join('\n'),
    );
    process.stdout.write(`config    ${configFile}\n`);

    step('What tagpilot sees');
    expect(
      (await tagpilot(configFile, work, ['list-workloads'])) === 0,
      'list-workloads to exit 0',
    );

    step('What it would change (a dry run)');
    expect(
      (await tagpilot(configFile, work, ['plan', '--exit-code'])) === 3,
      'plan --exit-code to exit 3 (changes pending)',
    );

    step('One cycle: scan, choose, commit, push');
    expect((await tagpilot(configFile, work, ['run', '--once'])) === 0, 'run --once to exit 0');
    await git(['log', '--format=%h %an: %s', 'main'], bare);
    const message = await git(['log', '-1', '--format=%B', 'main'], bare);
    expect(
      message.startsWith('chore(images): update api to 1.4.3, worker to 2.0.1'),
      'the commit subject',
    );
    expect(
      message.includes('Tagpilot-Update: shop:deployment/api/api'),
      'a Tagpilot-Update trailer',
    );
    await git(['show', '--format=', 'main'], bare);

    step('Why that tag?');
    expect(
      (await tagpilot(configFile, work, ['explain', 'shop:deployment/api'])) === 0,
      'explain to exit 0',
    );

    step('A newer tag appears');
    await push('acme/api', ['1.4.4']);
    expect((await tagpilot(configFile, work, ['run', '--once'])) === 0, 'the second run to exit 0');
    await git(['log', '--format=%h %s', 'main'], bare);
    const api = await gitCli(['show', 'main:apps/api.yaml'], bare);
    expect(
      api.includes(`image: ${host}/acme/api:1.4.4 # bumped by tagpilot`),
      'api.yaml at 1.4.4 with its comment kept',
    );
    const billing = await gitCli(['show', 'main:apps/billing.yaml'], bare);
    expect(billing.includes(`${host}/acme/api:1.4.2`), 'the locked workload untouched');

    step('Running again changes nothing');
    expect(
      (await tagpilot(configFile, work, ['run', '--once', '-o', 'json'])) === 0,
      'the third run to exit 0',
    );
    const count = (await gitCli(['rev-list', '--count', 'main'], bare)).trim();
    expect(count === '3', `3 commits in all, found ${count}`);
    process.stdout.write(
      `\n${bold('demo: OK')} (tagpilot's commits: git log --grep Tagpilot-Update)\n`,
    );
  } finally {
    await server?.stop();
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

run().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof DemoFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
