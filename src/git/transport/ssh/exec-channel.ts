/**
 * One remote `git-upload-pack`/`git-receive-pack` process on an SSH exec channel, read
 * pull-style: the ref advertisement up to its flush-pkt (pack-protocol "Reference Discovery"),
 * then the rest of stdout as a stream. Reading pauses the channel when a megabyte is queued so a
 * slow consumer never buffers a whole pack twice.
 */
import type { ClientChannel } from 'ssh2';
import { SshConnectionFailed, SshRemoteCommandFailed } from './errors.js';

const HIGH_WATER = 1 << 20;
const STDERR_LIMIT = 16 * 1024;
const FLUSH = Buffer.from('0000');

export class ExecChannel {
  readonly #channel: ClientChannel;
  readonly #label: string;
  readonly #inactivityMs: number;
  #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #exitCode: number | undefined;
  #exitSignal: string | undefined;
  #exited = false;
  #stderr = '';
  #wake: (() => void) | undefined;

  constructor(channel: ClientChannel, label: string, inactivityMs: number) {
    this.#channel = channel;
    this.#label = label;
    this.#inactivityMs = inactivityMs;
    channel.on('data', (chunk: Buffer) => {
      this.#queue.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued > HIGH_WATER) channel.pause();
      this.#notify();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.#stderr.length < STDERR_LIMIT) this.#stderr += chunk.toString('utf8');
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      this.#exited = true;
      this.#exitCode = code ?? undefined;
      this.#exitSignal = signal;
    });
    channel.on('close', () => {
      this.#ended = true;
      this.#notify();
    });
    // A channel error (the connection dropped) ends the stream; output() reports the missing
    // exit status. Without a listener the error would crash the process.
    channel.on('error', () => {
      this.#ended = true;
      this.#notify();
    });
  }

  /** The remote command's stderr so far (trimmed), for messages. */
  get stderr(): string {
    return this.#stderr.trim();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Waits until data is queued or the channel closed; throws after the inactivity timeout. */
  async #waitForData(): Promise<void> {
    if (this.#queue.length > 0 || this.#ended) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        this.#channel.close();
        reject(
          new SshConnectionFailed(
            `${this.#label}: no data from the SSH server for ${this.#inactivityMs} ms`,
          ),
        );
      }, this.#inactivityMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #take(): Buffer | undefined {
    const chunk = this.#queue.shift();
    if (chunk === undefined) return undefined;
    this.#queued -= chunk.length;
    if (this.#queued <= HIGH_WATER) this.#channel.resume();
    return chunk;
  }

  #unshift(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#queue.unshift(chunk);
    this.#queued += chunk.length;
  }

  /**
   * Reads pkt-lines up to and including the first flush-pkt: the v0/v1 ref advertisement, or the
   * v2 capability advertisement. Whatever follows stays queued.
   */
  async readAdvertisement(): Promise<Buffer> {
    let buffered: Buffer = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      // Walk complete pkt-lines in what we have.
      while (buffered.length - offset >= 4) {
        const lengthText = buffered.subarray(offset, offset + 4).toString('latin1');
        if (!/^[0-9a-f]{4}$/i.test(lengthText)) throw this.#protocolError(lengthText);
        const length = parseInt(lengthText, 16);
        if (length === 0) {
          const end = offset + 4;
          this.#unshift(buffered.subarray(end));
          return buffered.subarray(0, end);
        }
        if (length < 4) throw this.#protocolError(lengthText);
        if (buffered.length - offset < length) break;
        offset += length;
      }
      await this.#waitForData();
      const chunk = this.#take();
      if (chunk === undefined) throw this.#failure('closed before it sent its ref advertisement');
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    }
  }

  /**
   * Writes the request body, then EOF, so the stateless-style exchange can finish. Stops early
   * when the remote process has gone (it refused the request): its exit status and stderr,
   * reported by output(), say why.
   */
  async writeBody(
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | undefined,
  ): Promise<void> {
    if (body !== undefined) {
      for await (const chunk of body) {
        if (this.#ended) return;
        if (!this.#channel.write(chunk)) await this.#drainedOrClosed();
      }
    }
    if (!this.#ended) this.#channel.end();
  }

  #drainedOrClosed(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#channel.removeListener('drain', done);
        this.#channel.removeListener('close', done);
        resolve();
      };
      this.#channel.once('drain', done);
      this.#channel.once('close', done);
    });
  }

  /** The rest of stdout until the channel closes; a failed remote command surfaces as an error. */
  async *output(): AsyncGenerator<Uint8Array> {
    for (;;) {
      await this.#waitForData();
      const chunk = this.#take();
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (!this.#exited) {
        // OpenSSH always reports exit-status; without it the connection dropped mid-exchange.
        throw new SshConnectionFailed(
          `${this.#label}: the connection closed before the remote command finished`,
        );
      }
      if (this.#exitSignal !== undefined) throw this.#failure(`was killed by ${this.#exitSignal}`);
      if (this.#exitCode !== undefined && this.#exitCode !== 0) {
        throw this.#failure(`exited with status ${this.#exitCode}`);
      }
      return;
    }
  }

  /** Ends an exchange that will not be used: a flush-pkt is git's "no request", then EOF. */
  dispose(): void {
    if (this.#ended) return;
    this.#channel.end(FLUSH);
    this.#channel.resume();
  }

  #protocolError(text: string): SshRemoteCommandFailed {
    return new SshRemoteCommandFailed(
      `${this.#label}: the server did not speak the git protocol (read ${JSON.stringify(text)}); ` +
        `is the remote account a git-shell or does a login banner print to stdout?` +
        (this.stderr === '' ? '' : ` stderr: ${this.stderr}`),
      this.#exitCode,
      this.stderr,
    );
  }

  #failure(what: string): SshRemoteCommandFailed {
    const detail = this.stderr === '' ? '' : `: ${this.stderr}`;
    return new SshRemoteCommandFailed(
      `${this.#label} ${what}${detail}`,
      this.#exitCode,
      this.stderr,
    );
  }
}
