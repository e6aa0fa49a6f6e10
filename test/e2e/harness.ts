/**
 * The end-to-end world: Debian's real `docker-registry` and a real `git http-backend` server on
 * loopback (test/support/registry, test/support/git), a GitOps repository made with the git CLI,
 * a config file pointing tagpilot at both, and the CLI run in process exactly as a user runs it.
 */
import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  createBareRepo,
  gitCli,
  tempDir,
  commitFiles,
  type FileSpec,
} from '../support/git/repos.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git/http-server.js';
import { makeImage, Pusher } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { runCli, type RunResult } from '../support/cli.js';

export interface World {
  readonly registry: RealRegistry;
  readonly git: GitHttpServer;
  readonly root: string;
  readonly url: string;
  readonly configFile: string;
  readonly cacheDir: string;
  /** `127.0.0.1:<port>` — the registry host as written in image references. */
  readonly host: string;
  /** The bare repository the server serves. */
  readonly bare: string;
  /** Pushes one image under these tags; returns its manifest digest. */
  push(repo: string, tags: readonly string[], created?: string): Promise<string>;
  /** Deletes a manifest (and so every tag pointing at it). */
  deleteManifest(repo: string, digest: string): Promise<void>;
  cli(args: readonly string[]): Promise<RunResult>;
  /** A fresh clone of the repository at its current head (a person's working copy). */
  clone(): Promise<string>;
  /** Commit files as a person and push them. */
  personCommit(files: Readonly<Record<string, FileSpec>>, message: string): Promise<string>;
  file(name: string): Promise<string>;
  log(): Promise<string[]>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startWorld(
  files: (host: string) => Readonly<Record<string, FileSpec>>,
  config: (host: string) => string = () => '',
  /** Serve Git through this URL instead (e.g. a proxy in front of the server). */
  gitUrl?: (url: string) => Promise<string>,
): Promise<World> {
  const registry = await startRealRegistry({ kind: 'none' });
  const root = await tempDir('e2e');
  const host = registry.host;
  counter += 1;
  const name = `gitops-${counter}.git`;
  const { bare } = await createBareRepo(root, name, [files(host)]);
  const git = await startGitHttpServer({ root });
  const direct = git.url(name);
  const url = gitUrl === undefined ? direct : await gitUrl(direct);
  const cacheDir = path.join(root, 'cache');
  const configFile = path.join(root, 'tagpilot.yaml');
  await writeFile(
    configFile,
    `repositories:\n  - url: ${url}\n    branch: main\nregistries:\n  hosts:\n    "${host}":\n      insecure: true\ncache:\n  dir: ${cacheDir}\nautomation:\n  retryBaseDelay: 20ms\n  retryMaxDelay: 100ms\n${config(host)}`,
  );
  const pusher = new Pusher(registry.url);
  const work = await tempDir('person');
  await gitCli(['clone', '-q', direct, work]);
  const world: World = {
    registry,
    git,
    root,
    url,
    configFile,
    cacheDir,
    host,
    bare,
    async push(repo, tags, created = '2026-01-01T00:00:00Z') {
      const image = makeImage(created, 'linux/amd64', `${repo}${tags.join(',')}`);
      await pusher.pushImage(repo, image, tags);
      return image.manifest.digest;
    },
    async deleteManifest(repo, digest) {
      const response = await fetch(`${registry.url}/v2/${repo}/manifests/${digest}`, {
        method: 'DELETE',
      });
      if (response.status !== 202) throw new Error(`delete ${repo}@${digest}: ${response.status}`);
    },
    cli: (args) =>
      runCli(['--config', configFile, '--log-level', 'warn', ...args], {
        env: { PATH: process.env.PATH ?? '' },
        cwd: root,
      }),
    async clone() {
      const dir = await tempDir('clone');
      await gitCli(['clone', '-q', direct, dir]);
      return dir;
    },
    async personCommit(changes, message) {
      await gitCli(['pull', '-q', '--ff-only'], work);
      const oid = await commitFiles(work, changes, message);
      await gitCli(['push', '-q', 'origin', 'HEAD:main'], work);
      return oid;
    },
    async file(name) {
      return gitCli(['show', `main:${name}`], bare);
    },
    async log() {
      const out = await gitCli(['log', '--format=%H%x09%s', 'main'], bare);
      return out.trim().split('\n');
    },
    async stop() {
      await git.stop();
      await registry.stop();
      await rm(root, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
  return world;
}

/** A Deployment with tagpilot annotations. */
export function deployment(
  name: string,
  image: string,
  annotations: Readonly<Record<string, string>> = { 'tagpilot.io/automated': 'true' },
  container = name,
): string {
  const ann = Object.entries(annotations)
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: prod
${ann === '' ? '' : `  annotations:\n${ann}\n`}spec:
  template:
    spec:
      containers:
        - name: ${container}
          image: ${image} # keep this comment
`;
}
