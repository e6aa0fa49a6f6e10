/**
 * Indexes a pack as it arrives (gitformat-pack(5): pack v2/v3 entries, OFS_DELTA/REF_DELTA, delta
 * copy/insert instructions; `.idx` version 2), the way git's index-pack does:
 *   - while the bytes stream in, each entry is parsed, its CRC-32 taken, whole objects inflated
 *     and hashed at once and dropped; deltas are inflated into one arena (they are small);
 *   - once the pack is complete, deltas are resolved depth-first from their bases with an
 *     explicit stack (no recursion), keeping only the objects on the current chain, and base
 *     objects are inflated again from the pack only when a delta builds on them;
 *   - per-entry facts live in typed arrays, object ids as 20-byte rows, never hex-string maps.
 * The pack's own trailer is checked with a SHA-1 fed as the entries are parsed.
 * Pure apart from zlib and SHA-1: bytes in, `.idx` out.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { GitProtocolError } from './errors.js';
import { createInflater, type Inflater } from './inflate.js';

const TYPE_NAMES = ['', 'commit', 'tree', 'blob', 'tag'] as const;
const OFS_DELTA = 6;
const REF_DELTA = 7;
const MAX_PACK = 2 ** 31;
const MAX_CHAIN = 10_000;
const NO_BASE = -1;

export interface PackIndexResult {
  /** The pack bytes as received. */
  readonly pack: Buffer;
  readonly idx: Buffer;
  /** Hex SHA-1 trailer of the pack (its name: `pack-<sha>.pack`). */
  readonly packSha: string;
  readonly objectCount: number;
}

function readVarint(delta: Uint8Array, at: number): [number, number] {
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
export function applyDelta(base: Uint8Array, delta: Uint8Array): Buffer {
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
      out.set(base.subarray(offset, offset + size), written);
      written += size;
    } else if (op !== 0) {
      if (written + op > targetSize || at + op > delta.length) {
        throw new GitProtocolError('pack delta: insert out of range');
      }
      out.set(delta.subarray(at, at + op), written);
      written += op;
      at += op;
    } else {
      throw new GitProtocolError('pack delta: reserved instruction 0');
    }
  }
  if (written !== targetSize) throw new GitProtocolError('pack delta: wrong result size');
  return out;
}

/** A growable byte buffer (the pack, the delta arena). */
class Bytes {
  buffer: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `extra` more bytes after `length`. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(needed, Math.floor(this.buffer.length * 1.5)));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

/**
 * Feed it the pack with `push()` as it arrives, then `finish()`. One indexer per pack; it holds
 * a native zlib context until `finish()` (or `close()` when abandoned).
 */
export class PackIndexer {
  readonly #pack = new Bytes(1 << 20);
  readonly #deltas = new Bytes(1 << 16);
  readonly #hash = createHash('sha1');
  #inflater: Inflater | undefined;
  #scratch = Buffer.allocUnsafe(1 << 16);
  /** Parse position in the pack and how far the trailer hash has been fed. */
  #at = 12;
  #hashedTo = 0;
  #count = -1;
  #parsed = 0;
  // Per entry, by position in the pack.
  #offsets = new Uint32Array(0);
  /** The entry's type in the pack (deltas stay 6 or 7). */
  #types = new Uint8Array(0);
  #crcs = new Uint32Array(0);
  #oids = new Uint8Array(0);
  #resolved = new Uint8Array(0);
  /** OFS_DELTA: the entry index of the base; NO_BASE otherwise. */
  #baseIndex = new Int32Array(0);
  /** Deltas: where the inflated delta lies in the arena. */
  #deltaStart = new Uint32Array(0);
  #deltaLength = new Uint32Array(0);
  /** REF_DELTA: base oid (hex) → the deltas naming it (rare: we ask for ofs-delta). */
  readonly #refChildren = new Map<string, number[]>();

  constructor(options: { reuseContext?: boolean } = {}) {
    this.#inflater = createInflater(options);
  }

  push(chunk: Uint8Array): void {
    if (this.#pack.length + chunk.length >= MAX_PACK)
      throw new GitProtocolError('packs over 2 GiB are not supported');
    this.#pack.reserve(chunk.length);
    this.#pack.buffer.set(chunk, this.#pack.length);
    this.#pack.length += chunk.length;
    this.#parse(false);
  }

  /** Checks the trailer, resolves the deltas and builds the `.idx`. */
  finish(): PackIndexResult {
    try {
      this.#parse(true);
      const pack = this.#pack.buffer.subarray(0, this.#pack.length);
      if (this.#at !== pack.length - 20) throw new GitProtocolError('the pack has trailing bytes');
      this.#hash.update(pack.subarray(this.#hashedTo, this.#at));
      const trailer = pack.subarray(this.#at);
      if (!this.#hash.digest().equals(trailer)) {
        throw new GitProtocolError('the received pack is corrupt (checksum mismatch)');
      }
      this.#resolveDeltas(pack);
      return {
        pack,
        idx: writeIdx(this.#count, this.#oids, this.#offsets, this.#crcs, trailer),
        packSha: trailer.toString('hex'),
        objectCount: this.#count,
      };
    } finally {
      this.close();
    }
  }

  close(): void {
    this.#inflater?.close();
    this.#inflater = undefined;
  }

  #start(pack: Buffer): void {
    if (pack.toString('latin1', 0, 4) !== 'PACK')
      throw new GitProtocolError('the server sent no pack');
    const version = pack.readUInt32BE(4);
    if (version !== 2 && version !== 3)
      throw new GitProtocolError(`unsupported pack version ${version}`);
    const count = pack.readUInt32BE(8);
    // Every entry takes at least two bytes: a count beyond that is a lie, not a reason to allocate.
    if (count > MAX_PACK / 2) throw new GitProtocolError('the pack claims too many objects');
    this.#count = count;
    this.#offsets = new Uint32Array(count);
    this.#types = new Uint8Array(count);
    this.#crcs = new Uint32Array(count);
    this.#oids = new Uint8Array(count * 20);
    this.#resolved = new Uint8Array(count);
    this.#baseIndex = new Int32Array(count).fill(NO_BASE);
    this.#deltaStart = new Uint32Array(count);
    this.#deltaLength = new Uint32Array(count);
  }

  /** Parses every entry whose bytes have all arrived; `final`: no more will. */
  #parse(final: boolean): void {
    const pack = this.#pack.buffer;
    const length = this.#pack.length;
    if (this.#count < 0) {
      if (length < 12) {
        if (final) throw new GitProtocolError('the server sent no pack');
        return;
      }
      this.#start(pack);
    }
    const inflater = this.#inflater;
    if (inflater === undefined) throw new GitProtocolError('the pack indexer is closed');
    const view = pack.subarray(0, length);
    while (this.#parsed < this.#count) {
      const entry = this.#parseEntry(view, inflater);
      if (entry) continue;
      if (final) throw new GitProtocolError('the pack ends in the middle of an entry');
      break;
    }
    // The trailer hash covers what has been parsed (the trailer itself never is).
    if (this.#at - this.#hashedTo > 1 << 16) {
      this.#hash.update(pack.subarray(this.#hashedTo, this.#at));
      this.#hashedTo = this.#at;
    }
  }

  /** Parses the entry at `#at`; false when its bytes have not all arrived. */
  #parseEntry(pack: Buffer, inflater: Inflater): boolean {
    const length = pack.length;
    const i = this.#parsed;
    const offset = this.#at;
    let at = offset;
    if (at >= length) return false;
    let byte = pack[at++] ?? 0;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      if (at >= length) return false;
      byte = pack[at++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base = NO_BASE;
    let baseOid: string | undefined;
    if (type === OFS_DELTA) {
      if (at >= length) return false;
      byte = pack[at++] ?? 0;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        if (at >= length) return false;
        byte = pack[at++] ?? 0;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      base = this.#entryAt(offset - distance);
      if (base === NO_BASE)
        throw new GitProtocolError(`pack entry ${i}: its delta base offset names no entry`);
    } else if (type === REF_DELTA) {
      if (at + 20 > length) return false;
      baseOid = pack.toString('hex', at, at + 20);
      at += 20;
    } else if (type < 1 || type > 4) {
      throw new GitProtocolError(`pack entry ${i} has invalid type ${type}`);
    }
    const isDelta = type === OFS_DELTA || type === REF_DELTA;
    let consumed: number;
    if (isDelta) {
      this.#deltas.reserve(size + 1);
      consumed = inflater.inflate(pack, at, this.#deltas.buffer, this.#deltas.length, size);
    } else {
      if (this.#scratch.length < size + 1) this.#scratch = Buffer.allocUnsafe(size + 1);
      consumed = inflater.inflate(pack, at, this.#scratch, 0, size);
    }
    if (consumed < 0) return false;
    at += consumed;
    this.#offsets[i] = offset;
    this.#types[i] = type;
    this.#crcs[i] = crc32(pack.subarray(offset, at));
    if (isDelta) {
      this.#deltaStart[i] = this.#deltas.length;
      this.#deltaLength[i] = size;
      this.#deltas.length += size;
      this.#baseIndex[i] = base;
      if (baseOid !== undefined) {
        const children = this.#refChildren.get(baseOid);
        if (children === undefined) this.#refChildren.set(baseOid, [i]);
        else children.push(i);
      }
    } else {
      this.#setOid(i, type, this.#scratch.subarray(0, size));
    }
    this.#at = at;
    this.#parsed = i + 1;
    return true;
  }

  /** The index of the parsed entry starting at `offset` (offsets ascend), or NO_BASE. */
  #entryAt(offset: number): number {
    let low = 0;
    let high = this.#parsed - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.#offsets[mid] ?? 0;
      if (value === offset) return mid;
      if (value < offset) low = mid + 1;
      else high = mid - 1;
    }
    return NO_BASE;
  }

  #setOid(i: number, type: number, data: Uint8Array): void {
    const hash = createHash('sha1');
    hash.update(`${TYPE_NAMES[type] ?? ''} ${data.length}\0`);
    hash.update(data);
    this.#oids.set(hash.digest(), i * 20);
    this.#resolved[i] = 1;
  }

  #oidHex(i: number): string {
    return Buffer.from(this.#oids.buffer, i * 20, 20).toString('hex');
  }

  /** Depth-first from every whole object, keeping only the chain being walked. */
  #resolveDeltas(pack: Buffer): void {
    const count = this.#count;
    // Children by base entry (OFS_DELTA), as one flat list: childStart[b]..childStart[b+1].
    const childStart = new Uint32Array(count + 1);
    for (let i = 0; i < count; i++) {
      const base = this.#baseIndex[i] ?? NO_BASE;
      if (base !== NO_BASE) childStart[base + 1] = (childStart[base + 1] ?? 0) + 1;
    }
    for (let b = 0; b < count; b++)
      childStart[b + 1] = (childStart[b + 1] ?? 0) + (childStart[b] ?? 0);
    const fill = childStart.slice(0, count);
    const childList = new Uint32Array(childStart[count] ?? 0);
    for (let i = 0; i < count; i++) {
      const base = this.#baseIndex[i] ?? NO_BASE;
      if (base === NO_BASE) continue;
      const slot = fill[base] ?? 0;
      childList[slot] = i;
      fill[base] = slot + 1;
    }
    const hasRefs = this.#refChildren.size > 0;
    const childrenOf = (i: number): number[] | undefined => {
      const from = childStart[i] ?? 0;
      const to = childStart[i + 1] ?? 0;
      const refs = hasRefs ? this.#refChildren.get(this.#oidHex(i)) : undefined;
      if (from === to) return refs;
      const kids = Array.from(childList.subarray(from, to));
      return refs === undefined ? kids : kids.concat(refs);
    };
    const inflater = createInflater();
    try {
      for (let root = 0; root < count; root++) {
        const type = this.#types[root] ?? 0;
        if (type === OFS_DELTA || type === REF_DELTA) continue;
        const kids = childrenOf(root);
        if (kids === undefined) continue;
        // The whole object again, from the pack: only bases are ever inflated twice.
        const data = this.#inflateWhole(pack, root, inflater);
        this.#walk(type, data, kids, childrenOf);
      }
    } finally {
      inflater.close();
    }
    for (let i = 0; i < count; i++) {
      if (this.#resolved[i] !== 1) {
        throw new GitProtocolError(
          'the pack has a delta whose base is missing (a thin pack, or a broken one)',
        );
      }
    }
  }

  #inflateWhole(pack: Buffer, i: number, inflater: Inflater): Buffer {
    const offset = this.#offsets[i] ?? 0;
    let at = offset;
    let byte = pack[at++] ?? 0;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[at++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    const out = Buffer.allocUnsafe(size + 1);
    inflater.inflate(pack, at, out, 0, size);
    return out.subarray(0, size);
  }

  #walk(
    type: number,
    rootData: Buffer,
    rootKids: number[],
    childrenOf: (i: number) => number[] | undefined,
  ): void {
    const stack: { data: Buffer; kids: number[]; next: number }[] = [
      { data: rootData, kids: rootKids, next: 0 },
    ];
    const arena = this.#deltas.buffer;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined || top.next >= top.kids.length) {
        stack.pop();
        continue;
      }
      const child = top.kids[top.next++] ?? 0;
      if (this.#resolved[child] === 1) continue;
      const start = this.#deltaStart[child] ?? 0;
      const delta = arena.subarray(start, start + (this.#deltaLength[child] ?? 0));
      const data = applyDelta(top.data, delta);
      this.#setOid(child, type, data);
      const kids = childrenOf(child);
      if (kids !== undefined) {
        if (stack.length >= MAX_CHAIN) throw new GitProtocolError('pack delta chain too deep');
        stack.push({ data, kids, next: 0 });
      }
    }
  }
}

/**
 * A version 2 `.idx` (gitformat-pack(5)) for `count` objects: their oids (20-byte rows), pack
 * offsets and entry CRC-32s in pack order, and the pack's trailer; rows are sorted by oid here.
 */
export function writeIdx(
  count: number,
  oids: Uint8Array,
  offsets: Uint32Array,
  crcs: Uint32Array,
  trailer: Uint8Array,
): Buffer {
  const n = count;
  // Sort by oid: the first six bytes as a number decide all but the rarest ties.
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * 20;
    key[i] =
      (oids[at] ?? 0) * 2 ** 40 +
      (oids[at + 1] ?? 0) * 2 ** 32 +
      (((oids[at + 2] ?? 0) << 24) >>> 0) +
      ((oids[at + 3] ?? 0) << 16) +
      ((oids[at + 4] ?? 0) << 8) +
      (oids[at + 5] ?? 0);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const diff = (key[a] ?? 0) - (key[b] ?? 0);
    if (diff !== 0) return diff;
    return Buffer.compare(
      Buffer.from(oids.buffer, oids.byteOffset + a * 20, 20),
      Buffer.from(oids.buffer, oids.byteOffset + b * 20, 20),
    );
  });
  const idx = Buffer.alloc(8 + 256 * 4 + n * 28 + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  const fanout = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const first = oids[i * 20] ?? 0;
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
  for (let row = 0; row < n; row++) {
    const i = order[row] ?? 0;
    idx.set(oids.subarray(i * 20, i * 20 + 20), oidsAt + row * 20);
    idx.writeUInt32BE(crcs[i] ?? 0, crcAt + row * 4);
    idx.writeUInt32BE(offsets[i] ?? 0, offsetsAt + row * 4);
  }
  idx.set(trailer, offsetsAt + n * 4);
  createHash('sha1')
    .update(idx.subarray(0, idx.length - 20))
    .digest()
    .copy(idx, idx.length - 20);
  return idx;
}

/** Indexes a whole pack held in memory (tests, and packs read from disk). */
export function indexPack(
  packBytes: Uint8Array,
  options: { reuseContext?: boolean } = {},
): PackIndexResult {
  const indexer = new PackIndexer(options);
  try {
    indexer.push(packBytes);
    return indexer.finish();
  } finally {
    indexer.close();
  }
}
