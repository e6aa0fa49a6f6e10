/**
 * A real OpenSSH server (Debian's /usr/sbin/sshd) run for one test file: as the current user
 * (root in CI, where sshd needs /run/sshd and PermitRootLogin), on 127.0.0.1 at a free port, with
 * its own host keys and an authorized_keys file in a temp dir. Keys are installed git-shell style
 * (`restrict` + a forced `git-shell -c "$SSH_ORIGINAL_COMMAND"`), so only git-upload-pack and
 * git-receive-pack run. `AcceptEnv GIT_PROTOCOL` lets protocol v2 be requested as git does.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';

const run = promisify(execFile);

export type KeyType = 'ed25519' | 'ecdsa' | 'ecdsa384' | 'ecdsa521' | 'rsa';

const KEYGEN_ARGS: Readonly<Record<KeyType, string[]>> = {
  ed25519: ['-t', 'ed25519'],
  ecdsa: ['-t', 'ecdsa', '-b', '256'],
  ecdsa384: ['-t', 'ecdsa', '-b', '384'],
  ecdsa521: ['-t', 'ecdsa', '-b', '521'],
  rsa: ['-t', 'rsa', '-b', '2048'],
};

export interface KeyPair {
  readonly privateFile: string;
  readonly publicLine: string;
}

export interface Sshd {
  readonly dir: string;
  readonly port: number;
  readonly user: string;
  /** known_hosts lines (plain, `[127.0.0.1]:port` form) for every host key. */
  readonly hostKeyLines: readonly string[];
  /** Host public keys by type. */
  readonly hostKeys: Readonly<Record<'ed25519' | 'ecdsa', string>>;
  /** Everything sshd logged so far (LogLevel VERBOSE). */
  log(): string;
  authorize(publicLine: string): Promise<void>;
  stop(): Promise<void>;
}

/** Generates a key pair with ssh-keygen (`-N ''` unless a passphrase is given). */
export async function makeKey(
  dir: string,
  name: string,
  type: KeyType,
  passphrase = '',
): Promise<KeyPair> {
  const privateFile = join(dir, name);
  // ssh-keygen would ask "Overwrite (y/n)?" and wait forever on an existing file.
  if (existsSync(privateFile)) throw new Error(`makeKey: ${privateFile} already exists`);
  const args = ['-q', ...KEYGEN_ARGS[type], '-N', passphrase, '-C', name, '-f', privateFile];
  await run('ssh-keygen', args);
  return { privateFile, publicLine: (await readFile(`${privateFile}.pub`, 'utf8')).trim() };
}

export async function startSshd(): Promise<Sshd> {
  const dir = await mkdtemp(join(tmpdir(), 'tagpilot-sshd-'));
  const user = userInfo().username;
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const ed = await makeKey(dir, 'host_ed25519', 'ed25519');
  const ec = await makeKey(dir, 'host_ecdsa', 'ecdsa');
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, '');

  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${ed.privateFile}`,
      `HostKey ${ec.privateFile}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'AcceptEnv GIT_PROTOCOL',
      'LogLevel VERBOSE',
      'MaxStartups 50',
    ].join('\n');
    const configFile = join(dir, 'sshd_config');
    await writeFile(configFile, `${config}\n`);
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.setEncoding('utf8');
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, 10_000);
      child.stderr.on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('Server listening on 127.0.0.1')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!listening) {
      await stopChild(child);
      if (/Bind to port|Address already in use/.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start:\n${log}`);
    }
    const hostKeyLine = (key: KeyPair): string =>
      `[127.0.0.1]:${port} ${key.publicLine.split(' ').slice(0, 2).join(' ')}`;
    return {
      dir,
      port,
      user,
      hostKeyLines: [hostKeyLine(ed), hostKeyLine(ec)],
      hostKeys: {
        ed25519: ed.publicLine.split(' ').slice(0, 2).join(' '),
        ecdsa: ec.publicLine.split(' ').slice(0, 2).join(' '),
      },
      log: () => log,
      authorize: async (publicLine: string) => {
        const current = await readFile(authorizedKeys, 'utf8');
        const forced = 'command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",restrict';
        await writeFile(authorizedKeys, `${current}${forced} ${publicLine}\n`);
      },
      stop: async () => {
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('sshd: no free port after 5 attempts');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}
