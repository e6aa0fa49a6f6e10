/**
 * Indexes a received pack with Node's native zlib and SHA-1 (gitformat-pack(5): pack v2/v3
 * entries, OFS_DELTA/REF_DELTA, delta copy/insert instructions; `.idx` version 2). isomorphic-git
 * indexes in JavaScript (pako inflate, a 256×N fan-out loop), which dominates a first clone of a
 * large repository (docs/git.md); this does the same work natively. Pure: bytes in, bytes out.
 */
import { createHash } from 'node:crypto';
import { crc32, inflateSync } from 'node:zlib';
import { GitProtocolError } from './errors.js';

const TYPES = ['', 'commit', 'tree', 'blob', 'tag'] as const;
const OFS_DELTA = 6;
const EMPTY = Buffer.alloc(0);
const REF_DELTA = 7;

interface Entry {
  readonly offset: number;
  readonly type: number;
  readonly crc: number;
  /** Inflated data: the object for base types, the delta for deltas; dropped once not needed. */
  data: Buffer;
  readonly baseOffset?: number;
  readonly baseOid?: string;
}

interface Resolved {
  readonly type: number;
  readonly data: Buffer;
}

export interface PackIndexResult {
  readonly idx: Buffer;
  /** Hex SHA-1 trailer of the pack (its name: `pack-<sha>.pack`). */
  readonly packSha: string;
  readonly objectCount: number;
}

function objectId(type: number, data: Buffer): string {
  return createHash('sha1')
    .update(`${TYPES[type] ?? ''} ${data.length}\0`)
    .update(data)
    .digest('hex');
}

function readVarint(delta: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = delta[at++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

/** Applies a git delta (copy-from-base / insert instructions) to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const [sourceSize, afterSource] = readVarint(delta, 0);
  if (sourceSize !== base.length) throw new GitProtocolError('pack delta: base size mismatch');
  const [targetSize, afterTarget] = readVarint(delta, afterSource);
  let at = afterTarget;
  const out = Buffer.allocUnsafe(targetSize);
  let written = 0;
  while (at < delta.length) {
    const op = delta[at++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) {
        if (op & (1 << bit)) offset += (delta[at++] ?? 0) * 2 ** (8 * bit);
      }
      for (let bit = 0; bit < 3; bit++) {
        if (op & (0x10 << bit)) size += (delta[at++] ?? 0) << (8 * bit);
      }
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || written + size > targetSize) {
        throw new GitProtocolError('pack delta: copy out of range');
      }
      base.copy(out, written, offset, offset + size);
      written += size;
    } else if (op !== 0) {
      if (written + op > targetSize || at + op > delta.length) {
        throw new GitProtocolError('pack delta: insert out of range');
      }
      delta.copy(out, written, at, at + op);
      written += op;
      at += op;
    } else {
      throw new GitProtocolError('pack delta: reserved instruction 0');
    }
  }
  if (written !== targetSize) throw new GitProtocolError('pack delta: wrong result size');
  return out;
}

/** Parses every entry of `pack`, resolves deltas, and builds the version 2 `.idx`. */
export function indexPack(packBytes: Uint8Array): PackIndexResult {
  const pack = Buffer.from(packBytes.buffer, packBytes.byteOffset, packBytes.byteLength);
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') {
    throw new GitProtocolError('the server sent no pack');
  }
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3)
    throw new GitProtocolError(`unsupported pack version ${version}`);
  const count = pack.readUInt32BE(8);
  const trailer = pack.subarray(pack.length - 20);
  const body = pack.subarray(0, pack.length - 20);
  if (!createHash('sha1').update(body).digest().equals(trailer)) {
    throw new GitProtocolError('the received pack is corrupt (checksum mismatch)');
  }
  if (pack.length >= 2 ** 31) throw new GitProtocolError('packs over 2 GiB are not supported');

  const entries: Entry[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    const offset = at;
    let byte = pack[at++] ?? 0;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[at++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let baseOffset: number | undefined;
    let baseOid: string | undefined;
    if (type === OFS_DELTA) {
      byte = pack[at++] ?? 0;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[at++] ?? 0;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      baseOffset = offset - distance;
    } else if (type === REF_DELTA) {
      baseOid = pack.toString('hex', at, at + 20);
      at += 20;
    } else if (type < 1 || type > 4) {
      throw new GitProtocolError(`pack entry ${i} has invalid type ${type}`);
    }
    const { buffer: data, engine } = inflateSync(body.subarray(at), {
      info: true,
      // Output buffers are sliced from chunkSize allocations: sized to the object, a 300-byte
      // blob does not pin a 16 KiB chunk (50,000 of them would pin 800 MiB).
      chunkSize: Math.max(64, size),
    }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (data.length !== size) throw new GitProtocolError(`pack entry ${i}: size mismatch`);
    at += engine.bytesWritten;
    entries.push({
      offset,
      type,
      crc: crc32(pack.subarray(offset, at)),
      data,
      ...(baseOffset === undefined ? {} : { baseOffset }),
      ...(baseOid === undefined ? {} : { baseOid }),
    });
  }
  if (at !== body.length) throw new GitProtocolError('the pack has trailing bytes');

  const byOffset = new Map(entries.map((entry) => [entry.offset, entry]));
  const resolved = new Map<number, Resolved>();
  const oidOf = new Map<number, string>();
  const offsetOfOid = new Map<string, number>();
  // Only delta bases need their bytes after hashing: drop the rest early (most of the memory of
  // a large first clone is inflated objects nobody refers to).
  const baseOffsets = new Set<number>();
  const baseOids = new Set<string>();
  for (const entry of entries) {
    if (entry.baseOffset !== undefined) baseOffsets.add(entry.baseOffset);
    if (entry.baseOid !== undefined) baseOids.add(entry.baseOid);
  }
  const isBase = (offset: number, oid: string): boolean =>
    baseOffsets.has(offset) || baseOids.has(oid);
  // Base objects first, so REF_DELTA bases (named by oid) can be found.
  for (const entry of entries) {
    if (entry.type >= 1 && entry.type <= 4) {
      const oid = objectId(entry.type, entry.data);
      oidOf.set(entry.offset, oid);
      offsetOfOid.set(oid, entry.offset);
      if (isBase(entry.offset, oid))
        resolved.set(entry.offset, { type: entry.type, data: entry.data });
      entry.data = EMPTY;
    }
  }
  const resolve = (entry: Entry, depth: number): Resolved => {
    const done = resolved.get(entry.offset);
    if (done !== undefined) return done;
    if (entry.type < OFS_DELTA) {
      throw new GitProtocolError('pack delta: base object bytes were released (internal error)');
    }
    if (depth > 10_000) throw new GitProtocolError('pack delta chain too deep');
    const baseOffset = entry.baseOffset ?? offsetOfOid.get(entry.baseOid ?? '');
    const base = baseOffset === undefined ? undefined : byOffset.get(baseOffset);
    if (base === undefined) {
      throw new GitProtocolError('the pack has a delta whose base is missing (thin pack)');
    }
    const baseObject = resolve(base, depth + 1);
    const result = { type: baseObject.type, data: applyDelta(baseObject.data, entry.data) };
    entry.data = EMPTY;
    const oid = objectId(result.type, result.data);
    oidOf.set(entry.offset, oid);
    offsetOfOid.set(oid, entry.offset);
    // Keep the result only if another delta builds on it; mark it resolved either way.
    resolved.set(
      entry.offset,
      isBase(entry.offset, oid) ? result : { type: result.type, data: EMPTY },
    );
    return result;
  };
  // REF_DELTA bases may themselves be deltas resolved later: repeat until nothing changes.
  let pending = entries.filter((entry) => entry.type >= OFS_DELTA);
  while (pending.length > 0) {
    const before = pending.length;
    pending = pending.filter((entry) => {
      try {
        resolve(entry, 0);
        return false;
      } catch (error: unknown) {
        if (entry.baseOid !== undefined && !offsetOfOid.has(entry.baseOid)) return true;
        throw error;
      }
    });
    if (pending.length === before) {
      throw new GitProtocolError('the pack has a delta whose base is missing (thin pack)');
    }
  }

  const rows = entries
    .map((entry) => ({ oid: oidOf.get(entry.offset) ?? '', offset: entry.offset, crc: entry.crc }))
    .sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = rows.length;
  const idx = Buffer.alloc(8 + 256 * 4 + n * 28 + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  const fanout = new Uint32Array(256);
  for (const row of rows) {
    const first = Number.parseInt(row.oid.slice(0, 2), 16);
    fanout[first] = (fanout[first] ?? 0) + 1;
  }
  let running = 0;
  for (let b = 0; b < 256; b++) {
    running += fanout[b] ?? 0;
    idx.writeUInt32BE(running, 8 + b * 4);
  }
  const oidsAt = 8 + 256 * 4;
  const crcAt = oidsAt + n * 20;
  const offsetsAt = crcAt + n * 4;
  rows.forEach((row, i) => {
    idx.write(row.oid, oidsAt + i * 20, 'hex');
    idx.writeUInt32BE(row.crc, crcAt + i * 4);
    idx.writeUInt32BE(row.offset, offsetsAt + i * 4);
  });
  trailer.copy(idx, offsetsAt + n * 4);
  createHash('sha1')
    .update(idx.subarray(0, idx.length - 20))
    .digest()
    .copy(idx, idx.length - 20);
  return { idx, packSha: trailer.toString('hex'), objectCount: n };
}
