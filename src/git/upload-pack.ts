/**
 * The first clone's upload-pack exchange, spoken here (gitprotocol-pack(5) "Packfile
 * Negotiation", stateless-RPC as over smart HTTP): one `want` for the branch head, `deepen <n>`
 * for a shallow clone, `done`; the reply's shallow section, NAK, then the side-band-64k pack.
 * Paired with pack-index.ts so the pack is indexed natively instead of in JavaScript.
 */
import git from 'isomorphic-git';
import { GitProtocolError } from './errors.js';
import { concatBytes, FLUSH, pktLine, readPackets } from './pkt-line.js';
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

/** Splits the reply into the shallow list and the pack bytes (side-band channel 1). */
export function parseUploadPackReply(body: Uint8Array): UploadPackResult {
  const shallows: string[] = [];
  const pack: Uint8Array[] = [];
  let inPack = false;
  for (const packet of readPackets(body)) {
    if (packet.data === undefined) continue;
    if (!inPack) {
      const line = decoder.decode(packet.data).trimEnd();
      if (line.startsWith('shallow ')) shallows.push(line.slice('shallow '.length));
      else if (line.startsWith('unshallow ')) continue;
      else if (line === 'NAK' || line.startsWith('ACK ')) inPack = true;
      else if (line.startsWith('ERR '))
        throw new GitProtocolError(`the server said: ${line.slice(4)}`);
      else
        throw new GitProtocolError(
          `unexpected upload-pack line ${JSON.stringify(line.slice(0, 80))}`,
        );
      continue;
    }
    const band = packet.data[0];
    if (band === 1) pack.push(packet.data.subarray(1));
    else if (band === 3) {
      throw new GitProtocolError(
        `the server aborted the fetch: ${decoder.decode(packet.data.subarray(1)).trim()}`,
      );
    } else if (band !== 2) throw new GitProtocolError(`unknown side-band channel ${band}`);
  }
  if (!inPack) throw new GitProtocolError('the server sent no pack (no NAK/ACK)');
  return { pack: concatBytes(pack), shallows };
}

export async function fetchPack(options: UploadPackOptions): Promise<UploadPackResult> {
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
  const parts: Uint8Array[] = [];
  for await (const part of response.body) parts.push(part);
  if (response.statusCode !== 200) {
    // The same error isomorphic-git raises, so remote-errors.ts maps both alike.
    throw new git.Errors.HttpError(response.statusCode, response.statusMessage, '');
  }
  return parseUploadPackReply(concatBytes(parts));
}
