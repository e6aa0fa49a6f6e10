/**
 * Inflates the many small zlib streams of a pack (gitformat-pack(5): every entry is its own zlib
 * stream, its inflated size given by the entry header). `zlib.inflateSync` opens and closes a
 * native zlib context per call — about 50–100 µs per object here, the bulk of indexing a 50,000
 * object pack (issue 14). One context reset between streams, as git's index-pack does with
 * `inflateReset`, costs a tenth of that. Node exposes `reset()` publicly but runs synchronous
 * inflation only through a path that closes the context afterwards, so the reused context goes
 * through the zlib binding's own `writeSync` — the call `zlib.inflateSync` itself makes. Where a
 * Node release shapes that binding differently, the public `inflateSync` is used instead: slower,
 * same results (both paths are tested).
 */
import zlib from 'node:zlib';
import { GitProtocolError } from './errors.js';

/** The zlib binding's handle as Node's own zlib.js drives it (lib/zlib.js, `processChunkSync`). */
interface ZlibHandle {
  reset(): void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  close(): void;
  onerror: (message: string, errno: number) => void;
}

/** Node's message for Z_BUF_ERROR with Z_FINISH: the input ended before the stream did. */
const TRUNCATED = 'unexpected end of file';

export interface Inflater {
  /**
   * Inflates the zlib stream starting at `input[at]`, whose inflated size must be `size`, into
   * `out[outAt..outAt+size)` (`out` needs one spare byte after that). Returns the compressed bytes
   * consumed, or -1 when `input` ends before the stream does (more data may come). Throws
   * GitProtocolError on corrupt data or a size other than `size`.
   */
  inflate(input: Uint8Array, at: number, out: Uint8Array, outAt: number, size: number): number;
  close(): void;
}

function reusedContext(): Inflater | undefined {
  const engine = new zlib.Inflate() as unknown as {
    _handle?: Partial<ZlibHandle>;
    _writeState?: unknown;
  };
  const handle = engine._handle;
  const state = engine._writeState;
  if (
    typeof handle?.reset !== 'function' ||
    typeof handle.writeSync !== 'function' ||
    !(state instanceof Uint32Array) ||
    state.length < 2
  )
    return undefined;
  const context = handle as ZlibHandle;
  // Set by the binding's callback during writeSync; read and cleared through `takeError`.
  let failure: string | undefined;
  context.onerror = (message) => {
    failure = message;
  };
  const takeError = (): string | undefined => {
    const message = failure;
    failure = undefined;
    return message;
  };
  return {
    inflate(input, at, out, outAt, size) {
      // The binding aborts the process (not throws) on out-of-bounds arguments: check here.
      if (at > input.length || outAt + size + 1 > out.length)
        throw new RangeError('inflate: buffer bounds');
      takeError();
      context.reset();
      const available = input.length - at;
      context.writeSync(zlib.constants.Z_FINISH, input, at, available, out, outAt, size + 1);
      const error = takeError();
      // On an error the binding leaves the write state untouched: the message tells truncation.
      if (error === TRUNCATED) return -1;
      if (error !== undefined) throw new GitProtocolError(`pack entry does not inflate: ${error}`);
      // One spare output byte: exactly `size` bytes came out when exactly one is left.
      if (state[0] !== 1) throw new GitProtocolError('pack entry: size mismatch');
      return available - (state[1] ?? 0);
    },
    close() {
      context.close();
    },
  };
}

function publicApi(): Inflater {
  return {
    inflate(input, at, out, outAt, size) {
      let result: { buffer: Buffer; engine: { bytesWritten: number } };
      try {
        result = zlib.inflateSync(input.subarray(at), {
          info: true,
          chunkSize: Math.max(64, size + 1),
        }) as unknown as typeof result;
      } catch (error: unknown) {
        if ((error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') return -1;
        throw new GitProtocolError(`pack entry does not inflate: ${(error as Error).message}`);
      }
      if (result.buffer.length !== size) throw new GitProtocolError('pack entry: size mismatch');
      out.set(result.buffer, outAt);
      return result.engine.bytesWritten;
    },
    close() {
      /* nothing held */
    },
  };
}

/** A reused native context when this Node allows it, else the public API; `close()` after use. */
export function createInflater(options: { reuseContext?: boolean } = {}): Inflater {
  return (options.reuseContext === false ? undefined : reusedContext()) ?? publicApi();
}
