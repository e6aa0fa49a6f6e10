/**
 * bin/tagpilot under the machine's own Node (Node 20 on these machines, through the shebang):
 * it re-executes itself under the project's Node 24 (node_modules/node), forwarding argv, stdio,
 * the exit code and signals; without that binary it exits 2 naming the Node it needs
 * (docs/decisions/0070-node-24.md). The tests themselves run on Node 24.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { supported } from '../../bin/ensure-node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'tagpilot');

/** PATH without node_modules/.bin entries: what a shell on this machine sees outside npm. */
const machinePath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((entry) => !entry.includes('node_modules'))
  .join(delimiter);

function machineNode(): { path: string; version: string } {
  for (const dir of machinePath.split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    return { path: candidate, version };
  }
  throw new Error(`no node on the machine's PATH (${machinePath})`);
}

/** A /proc file's text, or '' once the process is gone. */
function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Polls `probe` every 50 ms until it returns a value; fails after 60 s naming what it awaited. */
async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const env = { PATH: machinePath, HOME: process.env.HOME ?? tmpdir() };
const machine = machineNode();
const machineIsOld = !supported(machine.version);

/** Exit status and stdout of bin/tagpilot started through its shebang with the machine's PATH. */
function runBin(args: string[]): string {
  const result = spawnSync(bin, args, { env, encoding: 'utf8' });
  return `${result.status}:${result.stdout}`;
}

describe('bin/tagpilot on the machine’s Node', () => {
  it('the test suite itself runs on a supported Node (the project’s Node 24 under npm test)', () => {
    assert.equal(supported(process.version), true, `tests run on ${process.version}`);
  });

  it(`${machine.version} is judged by the same rule the entry point applies`, () => {
    assert.equal(supported('v20.20.2'), false);
    assert.equal(supported('v22.18.9'), false);
    assert.equal(supported('v22.19.0'), true);
    assert.equal(supported('v24.21.0'), true);
    assert.equal(supported('v26.0.0'), true);
  });

  it('--help and --version work through the shebang, whatever the machine’s Node', () => {
    const help = spawnSync(bin, ['--help'], { env, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: tagpilot/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(runBin(['--version']), `0:${pkg.version}\n`);
  });

  it('npx --no-install tagpilot --help works from the clone', () => {
    const result = spawnSync('npx', ['--no-install', 'tagpilot', '--help'], {
      env,
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Usage: tagpilot/);
  });

  it('forwards exit codes: 2 for a usage error, 1 for nothing matching', () => {
    const usage = spawnSync(bin, ['parse-image', 'Not A Reference!'], { env, encoding: 'utf8' });
    assert.equal(usage.status, 2, usage.stderr);
    const none = spawnSync(
      bin,
      ['select', 'semver:~9.9', '--current', '1.0.0', '--tags-from', '-'],
      {
        env,
        input: '1.0.0\n1.0.1\n',
        encoding: 'utf8',
      },
    );
    assert.equal(none.status, 1, none.stderr);
  });

  if (machineIsOld) {
    it('runs the command under the project’s Node 24 and forwards SIGTERM to it', async () => {
      // `select --tags-from -` waits on stdin, which stays open: only a signal ends it. Its own
      // process group lets the clean-up below kill whatever is left, even when an assertion fails.
      const child = spawn(bin, ['select', 'semver:*', '--tags-from', '-'], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const pid = child.pid ?? 0;
      try {
        // Under load the re-exec can take seconds: wait for the Node 24 child to appear.
        const node24 = join(root, 'node_modules', 'node', 'bin', 'node');
        const grandchild = await waitFor(() => {
          const children = readIfExists(`/proc/${pid}/task/${pid}/children`).trim();
          const first = Number(children.split(' ')[0]);
          if (children === '' || !Number.isInteger(first)) return undefined;
          const exe = readIfExists(`/proc/${first}/cmdline`).split('\0')[0];
          return exe === node24 ? first : undefined;
        }, 'the machine’s Node to start the project’s Node 24');
        const exited = new Promise<NodeJS.Signals | null>((done) =>
          child.on('exit', (_code, signal) => {
            done(signal);
          }),
        );
        child.kill('SIGTERM');
        assert.equal(await exited, 'SIGTERM');
        await waitFor(
          () => (readIfExists(`/proc/${grandchild}/cmdline`) === '' ? true : undefined),
          'the Node 24 child to exit',
        );
      } finally {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // The group is already gone: nothing left to clean up.
        }
      }
    });

    it('exits 2 naming the Node it needs when the clone has no Node 24 installed', () => {
      const bare = mkdtempSync(join(tmpdir(), 'tagpilot-bin-'));
      cpSync(join(root, 'bin'), join(bare, 'bin'), { recursive: true });
      const result = spawnSync(machine.path, [join(bare, 'bin', 'tagpilot.js'), '--help'], {
        env,
        encoding: 'utf8',
      });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /needs Node\.js >= 22\.19/);
      assert.match(result.stderr, new RegExp(machine.version.replace(/\./g, '\\.')));
      assert.match(result.stderr, /npm ci/);
    });
  } else {
    it('runs directly on a machine Node that is recent enough', () => {
      const result = spawnSync(machine.path, [bin, '--version'], { env, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
    });
  }
});
