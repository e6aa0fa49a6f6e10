/**
 * The receive-pack exchange, pure parts (gitprotocol-pack(5) "Pushing Data To a Server",
 * gitprotocol-capabilities(5) report-status and side-band-64k): the request body, and the reply
 * parsed into per-ref results plus the server's messages (hook output).
 */
import { GitProtocolError } from './errors.js';
import { concatBytes, FLUSH, type Packet, pktLine, readPackets } from './pkt-line.js';

export const ZERO_OID = '0'.repeat(40);

export interface RefUpdate {
  readonly ref: string;
  readonly oldOid: string;
  readonly newOid: string;
}

/** Capabilities we ask for, limited to those the server advertised (it must not see others). */
export function chooseCapabilities(
  advertised: Readonly<Record<string, string | true>>,
  agent: string,
): string[] {
  const wanted = ['report-status', 'side-band-64k'];
  const caps = wanted.filter((cap) => cap in advertised);
  if (!caps.includes('report-status')) {
    throw new GitProtocolError('the server does not offer report-status; cannot confirm a push');
  }
  if ('agent' in advertised) caps.push(`agent=${agent}`);
  return caps;
}

/** Commands (the first carries the capabilities after a NUL), a flush, then the pack. */
export function receivePackRequest(
  updates: readonly RefUpdate[],
  capabilities: readonly string[],
  pack: Uint8Array,
): Uint8Array {
  const lines = updates.map((update, index) => {
    const command = `${update.oldOid} ${update.newOid} ${update.ref}`;
    return pktLine(index === 0 ? `${command}\0${capabilities.join(' ')}\n` : `${command}\n`);
  });
  return concatBytes([...lines, FLUSH, pack]);
}

export interface RefStatus {
  readonly ref: string;
  readonly ok: boolean;
  readonly reason: string | undefined;
}

export interface ReceivePackReply {
  /** `unpack ok` → undefined; otherwise the unpacker's error text. */
  readonly unpackError: string | undefined;
  readonly refs: readonly RefStatus[];
  /** Side-band channel 2 text (hook output, ref-lock details), line by line. */
  readonly messages: readonly string[];
  /** Side-band channel 3 (fatal error from the server), when present. */
  readonly fatal: string | undefined;
}

const decoder = new TextDecoder();

/** Parses a receive-pack reply, with or without side-band multiplexing. */
export function parseReceivePackReply(body: Uint8Array, sideBand: boolean): ReceivePackReply {
  const messages: string[] = [];
  let fatal: string | undefined;
  let statusBytes: Uint8Array;
  if (sideBand) {
    const channel1: Uint8Array[] = [];
    const channel2: Uint8Array[] = [];
    for (const packet of readPackets(body)) {
      if (packet.data === undefined || packet.data.length === 0) continue;
      const band = packet.data[0];
      const payload = packet.data.subarray(1);
      if (band === 1) channel1.push(payload);
      else if (band === 2) channel2.push(payload);
      else if (band === 3) fatal = (fatal ?? '') + decoder.decode(payload);
      else throw new GitProtocolError(`unknown side-band channel ${band}`);
    }
    statusBytes = concatBytes(channel1);
    messages.push(...splitMessages(decoder.decode(concatBytes(channel2))));
  } else {
    statusBytes = body;
  }
  const { unpackError, refs } = parseReportStatus(readPackets(statusBytes));
  return { unpackError, refs, messages, fatal: fatal?.trim() };
}

/** Side-band text uses \r for progress redraws; keep the final state of each line. */
function splitMessages(text: string): string[] {
  return text
    .split('\n')
    .map((line) =>
      (
        line
          .split('\r')
          .filter((part) => part.length > 0)
          .pop() ?? ''
      ).trimEnd(),
    )
    .filter((line) => line.length > 0);
}

function parseReportStatus(packets: readonly Packet[]): {
  unpackError: string | undefined;
  refs: RefStatus[];
} {
  const lines = packets
    .filter((packet): packet is { data: Uint8Array } => packet.data !== undefined)
    .map((packet) => decoder.decode(packet.data).replace(/\n$/, ''));
  const first = lines.shift();
  if (first?.startsWith('unpack ') !== true) {
    throw new GitProtocolError(
      `the server's push reply has no report-status (got ${JSON.stringify(first ?? '')})`,
    );
  }
  const unpack = first.slice('unpack '.length);
  const refs: RefStatus[] = [];
  for (const line of lines) {
    const match = /^(ok|ng) (\S+)(?: (.*))?$/.exec(line);
    if (match === null) continue; // option lines (report-status-v2) carry nothing we need
    const [, verdict, ref, reason] = match;
    refs.push({ ref: ref ?? '', ok: verdict === 'ok', reason });
  }
  return { unpackError: unpack === 'ok' ? undefined : unpack, refs };
}

/**
 * Reasons that mean "the ref moved under us" rather than "you may not": git's
 * `receive-pack` says "failed to update ref" / "failed to lock" on a compare-and-swap miss
 * and "non-fast-forward" / "fetch first" / "stale info" when the old oid does not match.
 */
export function isRaceReason(reason: string | undefined, messages: readonly string[]): boolean {
  const text = `${reason ?? ''}\n${messages.join('\n')}`.toLowerCase();
  if (/pre-receive|update hook|hook declined/.test(reason ?? '')) return false;
  return /failed to update ref|failed to lock|cannot lock ref|is at [0-9a-f]+ but expected|stale info|fetch first|non-fast-forward/.test(
    text,
  );
}
