/**
 * A small persistent key→JSON store in one directory: atomic writes (temp file + rename, so a
 * crash leaves the old entry or the new one, never half of one), entries re-parsed on read
 * (a damaged file is a miss, not an error), and a size bound enforced by evicting the least
 * recently written files. Keys are hashed into file names, so any string is a safe key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskCacheOptions {
  readonly dir: string;
  /** Upper bound on the total size of entries, in bytes. */
  readonly maxBytes: number;
}

export class DiskCache {
  #ready: Promise<void> | undefined;
  /** Approximate bytes written since the last size check; avoids a directory scan per write. */
  #writtenSinceCheck = 0;

  constructor(private readonly options: DiskCacheOptions) {}

  #file(namespace: string, key: string): string {
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 40);
    return join(this.options.dir, `${namespace}-${hash}.json`);
  }

  async #ensureDir(): Promise<void> {
    this.#ready ??= mkdir(this.options.dir, { recursive: true }).then(() => undefined);
    return this.#ready;
  }

  async get(namespace: string, key: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.#file(namespace, key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as { key?: unknown; value?: unknown };
      // The key is stored too: a hash collision or a foreign file is a miss.
      return entry.key === key ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  async set(namespace: string, key: string, value: unknown): Promise<void> {
    await this.#ensureDir();
    const file = this.#file(namespace, key);
    const text = JSON.stringify({ key, value });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
    this.#writtenSinceCheck += text.length;
    if (this.#writtenSinceCheck > this.options.maxBytes / 10) {
      this.#writtenSinceCheck = 0;
      await this.evict();
    }
  }

  /** Deletes the oldest entries until the total is at most 90 % of the bound. */
  async evict(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch {
      return;
    }
    const entries: { path: string; size: number; mtime: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const path = join(this.options.dir, name);
      try {
        const info = await stat(path);
        entries.push({ path, size: info.size, mtime: info.mtimeMs });
      } catch {
        // Removed meanwhile by another process: nothing to count.
      }
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    if (total <= this.options.maxBytes) return;
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const entry of entries) {
      if (total <= this.options.maxBytes * 0.9) break;
      await rm(entry.path, { force: true });
      total -= entry.size;
    }
  }
}
