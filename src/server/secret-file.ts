/**
 * A secret read from a file (a mounted Kubernetes Secret) and re-read when the file changes:
 * Kubernetes rotates mounted Secrets in place by swapping a symlink, so the file is checked with
 * `stat` (which follows it) at most once per `recheckMs` when the secret is used, and read again
 * when its inode, size or modification time moved. A file that vanishes or empties after start-up
 * keeps the last good value (and says so once), so a botched rotation never opens a receiver.
 */
import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../config/index.js';
import type { Logger, SecretRedactor } from '../telemetry/index.js';

export interface SecretFileOptions {
  /** Which setting names the file, for error messages (`webhooks.receivers[0].secretFile`). */
  readonly setting: string;
  readonly redactor: SecretRedactor;
  readonly logger?: Logger | undefined;
  readonly recheckMs?: number;
  readonly now?: () => number;
}

interface Snapshot {
  readonly value: string;
  readonly stamp: string;
}

async function readSnapshot(path: string): Promise<Snapshot> {
  const info = await stat(path);
  const value = (await readFile(path, 'utf8')).trim();
  return { value, stamp: `${info.ino}:${info.size}:${info.mtimeMs}` };
}

export class SecretFile {
  #current: Snapshot;
  #checkedAt: number;
  #checking: Promise<void> | undefined;
  #warned = false;

  private constructor(
    readonly path: string,
    first: Snapshot,
    private readonly options: SecretFileOptions,
  ) {
    this.#current = first;
    this.#checkedAt = this.#now();
    options.redactor.add(first.value);
  }

  /** Reads the file; a missing, unreadable or empty file is a configuration error. */
  static async open(path: string, options: SecretFileOptions): Promise<SecretFile> {
    let first: Snapshot;
    try {
      first = await readSnapshot(path);
    } catch (error: unknown) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(`${options.setting}: cannot read secret file ${path} (${reason})`, {
        cause: error,
      });
    }
    if (first.value === '')
      throw new ConfigError(`${options.setting}: secret file ${path} is empty`);
    return new SecretFile(path, first, options);
  }

  /** The current secret, re-read first when the file changed since the last check. */
  async value(): Promise<string> {
    if (this.#now() - this.#checkedAt >= (this.options.recheckMs ?? 1000)) {
      this.#checking ??= this.#recheck().finally(() => {
        this.#checking = undefined;
      });
      await this.#checking;
    }
    return this.#current.value;
  }

  async #recheck(): Promise<void> {
    this.#checkedAt = this.#now();
    try {
      const info = await stat(this.path);
      if (`${info.ino}:${info.size}:${info.mtimeMs}` === this.#current.stamp) return;
      const next = await readSnapshot(this.path);
      if (next.value === '') throw new Error('the file is empty');
      this.options.redactor.add(next.value);
      this.#current = next;
      this.#warned = false;
      this.options.logger?.info({ file: this.path }, 'secret file changed; using the new secret');
    } catch (error: unknown) {
      if (this.#warned) return;
      this.#warned = true;
      this.options.logger?.warn(
        { file: this.path, setting: this.options.setting, reason: String(error) },
        'secret file unreadable; keeping the previous secret',
      );
    }
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}
