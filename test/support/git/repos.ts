/**
 * Bare repositories for tests, made and inspected with the real `git` CLI (argument arrays,
 * never shell strings).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test Person',
  GIT_AUTHOR_EMAIL: 'person@example.test',
  GIT_COMMITTER_NAME: 'Test Person',
  GIT_COMMITTER_EMAIL: 'person@example.test',
  // No background `git gc --auto` / maintenance: above ~6,700 loose objects it forks a
  // detached gc that races the helper's clean-up of its work tree (issue 14).
  GIT_CONFIG_COUNT: '2',
  GIT_CONFIG_KEY_0: 'gc.auto',
  GIT_CONFIG_VALUE_0: '0',
  GIT_CONFIG_KEY_1: 'maintenance.auto',
  GIT_CONFIG_VALUE_1: 'false',
};

export async function gitCli(args: readonly string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', [...args], {
    cwd,
    env: GIT_ENV,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

export interface FileSpec {
  readonly content: string;
  readonly executable?: boolean;
  /** Content is the link target. */
  readonly symlink?: boolean;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `tagpilot-${prefix}-`));
}

/** Writes files into a work tree and commits them; returns the commit oid. */
export async function commitFiles(
  work: string,
  files: Readonly<Record<string, FileSpec>>,
  message: string,
): Promise<string> {
  for (const [file, spec] of Object.entries(files)) {
    const full = path.join(work, file);
    await mkdir(path.dirname(full), { recursive: true });
    await rm(full, { force: true });
    if (spec.symlink === true) await symlink(spec.content, full);
    else {
      await writeFile(full, spec.content);
      if (spec.executable === true) await chmod(full, 0o755);
    }
  }
  await gitCli(['add', '-A'], work);
  await gitCli(['commit', '-q', '-m', message], work);
  return (await gitCli(['rev-parse', 'HEAD'], work)).trim();
}

/**
 * Creates `<root>/<name>` as a bare repository whose `main` holds `commits` (each a set of
 * files, committed in order); returns the oids. `receivePack` turns on `http.receivepack`.
 */
export async function createBareRepo(
  root: string,
  name: string,
  commits: readonly Readonly<Record<string, FileSpec>>[],
  options: { receivePack?: boolean } = {},
): Promise<{ bare: string; oids: string[] }> {
  const work = await tempDir('work');
  await gitCli(['init', '-q', '-b', 'main', work]);
  const oids: string[] = [];
  let index = 0;
  for (const files of commits) oids.push(await commitFiles(work, files, `commit ${++index}`));
  const bare = path.join(root, name);
  await gitCli(['clone', '-q', '--bare', work, bare]);
  await rm(work, { recursive: true, force: true });
  if (options.receivePack !== false) {
    await gitCli(['config', 'http.receivepack', 'true'], bare);
  }
  return { bare, oids };
}

/** A clone with a work tree, for "another writer" pushing to the bare repository. */
export async function cloneWork(bare: string): Promise<string> {
  const work = await tempDir('writer');
  await gitCli(['clone', '-q', bare, work]);
  return work;
}

/** Number of objects in a bare repo (loose + packed), from `git count-objects -v`. */
export async function countObjects(bare: string): Promise<number> {
  const text = await gitCli(['count-objects', '-v'], bare);
  const field = (name: string): number =>
    Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? 'NaN');
  return field('count') + field('in-pack');
}
