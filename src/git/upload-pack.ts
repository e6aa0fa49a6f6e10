/**
 * The first clone's upload-pack exchange, spoken here (gitprotocol-pack(5) "Packfile
 * Negotiation", stateless-RPC as over smart HTTP): one `want` for the branch head, `deepen <n>`
 * for a shallow clone, `done`; the reply's shallow section, NAK, then the side-band-64k pack.
 * Paired with pack-index.ts so the pack is indexed natively instead of in JavaScript.
 */
import git from 'isomorphic-git';
import { GitProtocolError } from './errors.js';
import { concatBytes, FLUSH, pktLine } from './pkt-line.js';
import type { GitHttpClient } from './types.js';

export interface UploadPackOptions {
  readonly http: GitHttpClient;
  readonly url: string;
  readonly want: string;
  /** 0 = full history. */
  readonly depth: number;
  readonly advertised: Readonly<Record<string, string | true>>;
  readonly agent: string;
}

export interface UploadPackResult {
  readonly pack: Uint8Array;
  readonly shallows: readonly string[];
}

/** True when the server offers what this exchange needs (otherwise use isomorphic-git's fetch). */
export function canFetchDirectly(
  advertised: Readonly<Record<string, string | true>>,
  depth: number,
): boolean {
  return 'side-band-64k' in advertised && (depth === 0 || 'shallow' in advertised);
}

export function uploadPackRequest(options: Omit<UploadPackOptions, 'http' | 'url'>): Uint8Array {
  const caps = ['side-band-64k', 'no-progress', 'ofs-delta', 'shallow'].filter(
    (cap) => cap in options.advertised,
  );
  if ('agent' in options.advertised) caps.push(`agent=${options.agent}`);
  return concatBytes([
    pktLine(`want ${options.want} ${caps.join(' ')}\n`),
    ...(options.depth > 0 ? [pktLine(`deepen ${options.depth}\n`)] : []),
    FLUSH,
    pktLine('done\n'),
  ]);
}

const decoder = new TextDecoder();

/**
 * Reads the reply as it streams in: the shallow list and NAK/ACK, then the side-band-64k
 * packets, handing channel 1 (the pack) to `onPack` chunk by chunk so the pack can be indexed
 * while it downloads. pkt-lines may be split anywhere across chunks.
 */
export class UploadPackReplyReader {
  readonly shallows: string[] = [];
  #inPack = false;
  #pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly onPack: (bytes: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    let buffer = chunk;
    if (this.#pending.length > 0) {
      buffer = concatBytes([this.#pending, chunk]);
      this.#pending = new Uint8Array(0);
    }
    let at = 0;
    while (at + 4 <= buffer.length) {
      const length = packetLength(buffer, at);
      if (length < 4) {
        at += 4;
        continue;
      }
      if (at + length > buffer.length) break;
      this.#packet(buffer.subarray(at + 4, at + length));
      at += length;
    }
    if (at < buffer.length) this.#pending = buffer.slice(at);
  }

  /** Call at the end of the body: checks that a pack came and nothing was cut off. */
  finish(): void {
    if (this.#pending.length > 0) throw new GitProtocolError('truncated pkt-line in the reply');
    if (!this.#inPack) throw new GitProtocolError('the server sent no pack (no NAK/ACK)');
  }

  #packet(data: Uint8Array): void {
    if (!this.#inPack) {
      const line = decoder.decode(data).trimEnd();
      if (line.startsWith('shallow ')) this.shallows.push(line.slice('shallow '.length));
      else if (line.startsWith('unshallow ')) return;
      else if (line === 'NAK' || line.startsWith('ACK ')) this.#inPack = true;
      else if (line.startsWith('ERR '))
        throw new GitProtocolError(`the server said: ${line.slice(4)}`);
      else
        throw new GitProtocolError(
          `unexpected upload-pack line ${JSON.stringify(line.slice(0, 80))}`,
        );
      return;
    }
    const band = data[0];
    if (band === 1) this.onPack(data.subarray(1));
    else if (band === 3) {
      throw new GitProtocolError(
        `the server aborted the fetch: ${decoder.decode(data.subarray(1)).trim()}`,
      );
    } else if (band !== 2) throw new GitProtocolError(`unknown side-band channel ${band}`);
  }
}

const HEX = /^[0-9a-f]{4}$/i;

function packetLength(buffer: Uint8Array, at: number): number {
  const hex = decoder.decode(buffer.subarray(at, at + 4));
  if (!HEX.test(hex))
    throw new GitProtocolError(`malformed pkt-line length ${JSON.stringify(hex)}`);
  return Number.parseInt(hex, 16);
}

/** Splits a whole reply into the shallow list and the pack bytes (side-band channel 1). */
export function parseUploadPackReply(body: Uint8Array): UploadPackResult {
  const pack: Uint8Array[] = [];
  const reader = new UploadPackReplyReader((bytes) => pack.push(bytes));
  reader.push(body);
  reader.finish();
  return { pack: concatBytes(pack), shallows: reader.shallows };
}

/** Posts the request and streams the pack into `onPack`; resolves with the shallow list. */
export async function fetchPack(
  options: UploadPackOptions & { readonly onPack: (bytes: Uint8Array) => void },
): Promise<{ readonly shallows: readonly string[] }> {
  const body = uploadPackRequest(options);
  const response = await options.http.request({
    url: `${options.url.replace(/\/+$/, '')}/git-upload-pack`,
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-git-upload-pack-request',
      Accept: 'application/x-git-upload-pack-result',
      'Content-Length': String(body.length),
    },
    body: [body],
  });
  if (response.statusCode !== 200) {
    // Drained, so the connection can be reused.
    for await (const _part of response.body) continue;
    // The same error isomorphic-git raises, so remote-errors.ts maps both alike.
    throw new git.Errors.HttpError(response.statusCode, response.statusMessage, '');
  }
  const reader = new UploadPackReplyReader(options.onPack);
  for await (const part of response.body) reader.push(part);
  reader.finish();
  return { shallows: reader.shallows };
}
