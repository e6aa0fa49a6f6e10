/**
 * In-memory fakes of the GitStore and TagSource contracts for the cycle's unit tests (its retry
 * and write logic); the end-to-end tests in test/e2e/ run the same cycle against the real
 * loopback Git server and registry.
 */
import { canonicalName, parseImageRef, type ImageRef } from '../../src/image/index.js';
import type { CommitInfo, FileWrite, GitFile, GitStore, LogOptions } from '../../src/git/types.js';
import { PushRaced } from '../../src/git/types.js';
import type { DiscoveryResult, ImageSlot, ManifestFile } from '../../src/manifests/types.js';
import { parsePolicy, policyFromAnnotations, type Candidate } from '../../src/policy/index.js';
import type { MetadataResult, RequestStats, TagSource } from '../../src/registry/types.js';

interface Commit {
  readonly oid: string;
  readonly files: ReadonlyMap<string, string>;
  readonly message: string;
  readonly parent: string | undefined;
}

export class MemoryGit implements GitStore {
  readonly commits = new Map<string, Commit>();
  remote: string;
  local: string | undefined;
  pushes = 0;
  reads = 0;
  /** Runs once before the next push: lets a test move the remote (a racing writer). */
  beforePush: (() => void) | undefined;
  #next = 0;

  constructor(files: Record<string, string>) {
    this.remote = this.#store(new Map(Object.entries(files)), 'initial', undefined);
  }

  #store(files: ReadonlyMap<string, string>, message: string, parent: string | undefined): string {
    const oid = `c${(this.#next += 1)}`;
    this.commits.set(oid, { oid, files, message, parent });
    return oid;
  }

  /** A person's (or another writer's) commit straight on the remote. */
  personCommit(changes: Record<string, string>, message = 'person edit'): string {
    const base = this.commits.get(this.remote)!;
    const files = new Map(base.files);
    for (const [path, text] of Object.entries(changes)) files.set(path, text);
    this.remote = this.#store(files, message, this.remote);
    return this.remote;
  }

  file(path: string, oid = this.remote): string | undefined {
    return this.commits.get(oid)?.files.get(path);
  }

  history(oid = this.remote): Commit[] {
    const out: Commit[] = [];
    for (
      let c = this.commits.get(oid);
      c !== undefined;
      c = c.parent === undefined ? undefined : this.commits.get(c.parent)
    )
      out.push(c);
    return out;
  }

  sync(): Promise<string> {
    this.local = this.remote;
    return Promise.resolve(this.remote);
  }
  head(): Promise<string> {
    return Promise.resolve(this.local ?? this.remote);
  }
  readFiles(paths: readonly string[], commit?: string): Promise<readonly GitFile[]> {
    this.reads += 1;
    const c = this.commits.get(commit ?? this.local ?? this.remote)!;
    const out: GitFile[] = [];
    for (const [path, text] of c.files)
      if (paths.some((p) => p === '' || path === p || path.startsWith(`${p}/`)))
        out.push({
          path,
          oid: `${c.oid}:${path}`,
          mode: '100644',
          bytes: new TextEncoder().encode(text),
        });
    return Promise.resolve(out);
  }
  readFileAt(path: string, commit: string): Promise<GitFile | undefined> {
    const text = this.commits.get(commit)?.files.get(path);
    return Promise.resolve(
      text === undefined
        ? undefined
        : { path, oid: 'x', mode: '100644', bytes: new TextEncoder().encode(text) },
    );
  }
  log(path: string, options: LogOptions): Promise<readonly CommitInfo[]> {
    const out: CommitInfo[] = [];
    for (const c of this.history(this.local ?? this.remote)) {
      const parent = c.parent === undefined ? undefined : this.commits.get(c.parent);
      if (parent !== undefined && parent.files.get(path) === c.files.get(path)) continue;
      if (out.length >= options.maxCommits) break;
      const info: CommitInfo = {
        oid: c.oid,
        message: c.message,
        parents: c.parent === undefined ? [] : [c.parent],
        author: { name: 'x', email: 'x', timestamp: 0 },
      };
      out.push(info);
      if (options.until?.(info) === true) break;
    }
    return Promise.resolve(out);
  }
  commit(writes: readonly FileWrite[], message: string): Promise<string> {
    const parent = this.local ?? this.remote;
    const files = new Map(this.commits.get(parent)!.files);
    for (const w of writes) files.set(w.path, new TextDecoder().decode(w.bytes));
    this.local = this.#store(files, message, parent);
    return Promise.resolve(this.local);
  }
  push(): Promise<void> {
    this.pushes += 1;
    const hook = this.beforePush;
    this.beforePush = undefined;
    hook?.();
    const local = this.local!;
    if (this.commits.get(local)?.parent !== this.remote) {
      this.local = this.remote;
      return Promise.reject(new PushRaced('branch moved', this.remote));
    }
    this.remote = local;
    return Promise.resolve();
  }
}

export class MemoryRegistry implements TagSource {
  requests = 0;
  readonly listed = new Map<string, number>();
  constructor(
    readonly tags: Map<string, string[]>,
    readonly digests = new Map<string, string>(),
  ) {}
  listTags(image: ImageRef): Promise<readonly string[]> {
    this.requests += 1;
    const key = canonicalName(image);
    this.listed.set(key, (this.listed.get(key) ?? 0) + 1);
    const tags = this.tags.get(key);
    return tags === undefined ? Promise.reject(new Error(`${key}: 404`)) : Promise.resolve(tags);
  }
  digest(image: ImageRef): Promise<string> {
    this.requests += 1;
    const digest = this.digests.get(`${canonicalName(image)}:${image.tag ?? ''}`);
    return digest === undefined ? Promise.reject(new Error('no digest')) : Promise.resolve(digest);
  }
  metadata(_image: ImageRef, tags: readonly string[]): Promise<MetadataResult> {
    return Promise.resolve({ candidates: tags.map((tag): Candidate => ({ tag })), pending: 0 });
  }
  stats(): RequestStats {
    return { requests: this.requests, byHost: {}, cacheHits: 0 };
  }
}

/**
 * A tiny discovery for files written as `# policy: <expr>` then `image: <ref>` lines (one slot
 * per file), with exact source ranges, so the real editor can apply the edits.
 */
export function lineDiscover(files: readonly ManifestFile[]): DiscoveryResult {
  const slots: ImageSlot[] = [];
  for (const file of files) {
    const text = new TextDecoder().decode(file.bytes);
    const policyLine = /^# policy: (.+)$/m.exec(text);
    const imageLine = /^image: (.+)$/m.exec(text);
    if (policyLine === null || imageLine === null) continue;
    const value = imageLine[1]!;
    const start = imageLine.index + 'image: '.length;
    const name = file.path.replace(/\.yaml$/, '').replace(/.*\//, '');
    const workloadPolicy = policyFromAnnotations({
      'tagpilot.io/automated': 'true',
      [`tagpilot.io/tag.${name}`]: policyLine[1]!,
    });
    slots.push({
      id: `default:deployment/${name}/${name}`,
      file: file.path,
      documentIndex: 0,
      yamlPath: '.image',
      line: text.slice(0, start).split('\n').length,
      shape: { kind: 'reference', range: [start, start + value.length] },
      current: parseImageRef(value),
      workload: { namespace: 'default', kind: 'deployment', name },
      container: name,
      workloadPolicy,
      policy: {
        policy: parsePolicy(policyLine[1]!),
        key: `tagpilot.io/tag.${name}`,
        pinDigest: false,
      },
      root: '.',
    });
  }
  return { slots, notes: [], parsed: files.length };
}
