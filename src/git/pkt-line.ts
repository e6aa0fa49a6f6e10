/**
 * pkt-line framing (gitprotocol-common(5), "pkt-line Format"): four hex digits giving the length
 * including themselves, then the payload; `0000` is a flush packet. Pure.
 */
import { GitProtocolError } from './errors.js';

const encoder = new TextEncoder();

export const FLUSH = encoder.encode('0000');

/** One pkt-line around `payload` (a string is UTF-8 encoded). */
export function pktLine(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const length = body.length + 4;
  if (length > 65520) throw new GitProtocolError(`pkt-line payload too long (${length} bytes)`);
  const out = new Uint8Array(length);
  out.set(encoder.encode(length.toString(16).padStart(4, '0')), 0);
  out.set(body, 4);
  return out;
}

/** A decoded packet: `undefined` data marks a flush (`0000`) or delimiter packet. */
export interface Packet {
  readonly data: Uint8Array | undefined;
}

/** Splits a whole buffer into packets; throws on a truncated or malformed length. */
export function readPackets(buffer: Uint8Array): Packet[] {
  const packets: Packet[] = [];
  let at = 0;
  while (at < buffer.length) {
    if (at + 4 > buffer.length) throw new GitProtocolError('truncated pkt-line length');
    const hex = new TextDecoder().decode(buffer.subarray(at, at + 4));
    if (!/^[0-9a-f]{4}$/i.test(hex)) {
      throw new GitProtocolError(`malformed pkt-line length ${JSON.stringify(hex)}`);
    }
    const length = Number.parseInt(hex, 16);
    if (length < 4) {
      packets.push({ data: undefined });
      at += 4;
      continue;
    }
    if (at + length > buffer.length) throw new GitProtocolError('truncated pkt-line payload');
    packets.push({ data: buffer.subarray(at + 4, at + length) });
    at += length;
  }
  return packets;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
