/**
 * The hot object reads and writes of a bare gitdir, done here instead of through isomorphic-git
 * (issue 14: each of its reads first fails on the loose path — stat, throw — then lists the pack
 * folder; each write deflates through an async stream into a loose file).
 *   - Reads: every `.idx` of `objects/pack` is held in memory (oids as 20-byte rows, binary
 *     search within the fan-out range) with its pack's bytes; deltas are resolved through a
 *     small cache of recent bases. Loose objects are looked at only when no pack has the oid;
 *     the pack folder is listed again only then (a fetch by isomorphic-git may have added one).
 *   - Trees are parsed once and kept (they are immutable), so a cycle reads each tree once.
 *   - Writes go to memory and become one pack (with its `.idx`) on `flush()`: a commit writes
 *     one pack file, never thousands of loose files; the push pack copies their entries as is.
 * Everything is synchronous: reads are memory lookups, and a gitdir belongs to one process
 * (the gitdir lock).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { GitProtocolError } from './errors.js';
import { createInflater, type Inflater } from './inflate.js';
import { applyDelta, writeIdx } from './pack-index.js';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';
const TYPE_CODES: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const TYPE_NAMES: readonly (ObjectType | undefined)[] = [
  undefined,
  'commit',
  'tree',
  'blob',
  'tag',
];
const OFS_DELTA = 6;
const REF_DELTA = 7;
const IDX_MAGIC = 0xff744f63;
/** Delta bases kept for reuse (a manifest tree's blobs are often deltas of one base). */
const BASE_CACHE_BYTES = 16 * 1024 * 1024;
const TREE_CACHE_ENTRIES = 50_000;

export interface GitObject {
  readonly type: ObjectType;
  readonly data: Buffer;
}

export interface TreeEntry {
  /** As isomorphic-git spells it: `040000` for trees, `100644`, `100755`, `120000`, `160000`. */
  readonly mode: string;
  readonly path: string;
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit';
}

export interface CommitHeader {
  readonly tree: string;
  readonly parents: readonly string[];
}

export class GitObjectMissing extends GitProtocolError {
  constructor(readonly oid: string) {
    super(`object ${oid} is not in the local repository`);
  }
}

/** One pack and its index, both in memory. */
class Pack {
  readonly count: number;
  readonly #fanout: Uint32Array;
  readonly #oids: Uint8Array;
  readonly #offsets: Uint32Array;

  constructor(
    readonly name: string,
    readonly bytes: Buffer,
    idx: Buffer,
  ) {
    if (
      idx.length < 8 + 1024 + 40 ||
      idx.readUInt32BE(0) !== IDX_MAGIC ||
      idx.readUInt32BE(4) !== 2
    )
      throw new GitProtocolError(`${name}.idx is not a version 2 pack index`);
    this.count = idx.readUInt32BE(8 + 255 * 4);
    const n = this.count;
    if (idx.length < 8 + 1024 + n * 28 + 40) throw new GitProtocolError(`${name}.idx is truncated`);
    this.#fanout = new Uint32Array(256);
    for (let b = 0; b < 256; b++) this.#fanout[b] = idx.readUInt32BE(8 + b * 4);
    const oidsAt = 8 + 1024;
    this.#oids = idx.subarray(oidsAt, oidsAt + n * 20);
    const offsetsAt = oidsAt + n * 24;
    this.#offsets = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const offset = idx.readUInt32BE(offsetsAt + i * 4);
      // The MSB marks a 64-bit offset: only packs over 2 GiB have them, and those are refused.
      if (offset >= 0x80000000) throw new GitProtocolError(`${name} is over 2 GiB`);
      this.#offsets[i] = offset;
    }
  }

  /** The entry offset of `oid` (20 bytes), or -1. */
  find(oid: Uint8Array): number {
    const first = oid[0] ?? 0;
    let low = first === 0 ? 0 : (this.#fanout[first - 1] ?? 0);
    let high = (this.#fanout[first] ?? 0) - 1;
    const oids = this.#oids;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = mid * 20;
      let cmp = 0;
      for (let k = 1; k < 20; k++) {
        cmp = (oids[at + k] ?? 0) - (oid[k] ?? 0);
        if (cmp !== 0) break;
      }
      if (cmp === 0) return this.#offsets[mid] ?? -1;
      if (cmp < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}

interface EntryHeader {
  readonly type: number;
  readonly size: number;
  /** Where the zlib data starts. */
  readonly dataAt: number;
  readonly baseOffset?: number;
  readonly baseOid?: Uint8Array;
}

function entryHeader(bytes: Buffer, offset: number): EntryHeader {
  let at = offset;
  let byte = bytes[at++] ?? 0;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = bytes[at++] ?? 0;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type === OFS_DELTA) {
    byte = bytes[at++] ?? 0;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      byte = bytes[at++] ?? 0;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    return { type, size, dataAt: at, baseOffset: offset - distance };
  }
  if (type === REF_DELTA)
    return { type, size, dataAt: at + 20, baseOid: bytes.subarray(at, at + 20) };
  return { type, size, dataAt: at };
}

function typeHeader(type: ObjectType, size: number): string {
  return `${type} ${size}\0`;
}

/** Git's object id of `data` as an object of `type`. */
export function hashObject(type: ObjectType, data: Uint8Array): string {
  return createHash('sha1').update(typeHeader(type, data.length)).update(data).digest('hex');
}

/** A pack entry header: type and size as gitformat-pack(5)'s variable-length integer. */
function packEntryHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 15);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

function parseTree(data: Buffer, oid: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > data.length)
      throw new GitProtocolError(`tree ${oid} is malformed`);
    const rawMode = data.toString('latin1', at, space);
    const mode = rawMode.padStart(6, '0');
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    entries.push({
      mode,
      path: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
      type,
    });
    at = nul + 21;
  }
  return entries;
}

/** Git's tree order: by name, a tree's name compared as if it ended in `/`. */
function treeOrder(a: TreeEntry, b: TreeEntry): number {
  const nameA = a.type === 'tree' ? `${a.path}/` : a.path;
  const nameB = b.type === 'tree' ? `${b.path}/` : b.path;
  return Buffer.compare(Buffer.from(nameA), Buffer.from(nameB));
}

/** The bytes of a tree object holding `entries` (any order; sorted here as git sorts). */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const sorted = [...entries].sort(treeOrder);
  return Buffer.concat(
    sorted.flatMap((entry) => [
      Buffer.from(`${entry.mode.replace(/^0+/, '')} ${entry.path}\0`),
      Buffer.from(entry.oid, 'hex'),
    ]),
  );
}

export function parseCommitHeader(data: Buffer, oid: string): CommitHeader {
  const end = data.indexOf('\n\n');
  const head = data.toString('utf8', 0, end < 0 ? data.length : end);
  let tree: string | undefined;
  const parents: string[] = [];
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (!line.startsWith(' ') && tree !== undefined && !line.startsWith('parent')) break;
  }
  if (tree === undefined) throw new GitProtocolError(`commit ${oid} has no tree`);
  return { tree, parents };
}

interface Pending {
  readonly oid: string;
  readonly type: ObjectType;
  readonly data: Buffer;
}

export class ObjectDb {
  readonly #gitdir: string;
  #packs: Pack[] = [];
  #listed = false;
  readonly #inflater: Inflater = createInflater();
  readonly #bases = new Map<string, GitObject>();
  #baseBytes = 0;
  readonly #trees = new Map<string, readonly TreeEntry[]>();
  readonly #pending = new Map<string, Pending>();

  constructor(gitdir: string) {
    this.#gitdir = gitdir;
  }

  get #packDir(): string {
    return path.join(this.#gitdir, 'objects', 'pack');
  }

  /** Forgets every pack and cache (the gitdir was replaced, e.g. by a fresh clone). */
  reset(): void {
    this.#packs = [];
    this.#listed = false;
    this.#bases.clear();
    this.#baseBytes = 0;
    this.#trees.clear();
    this.#pending.clear();
  }

  /** Registers a pack already in memory (the first clone's), instead of reading it back. */
  addPack(name: string, bytes: Buffer, idx: Buffer): void {
    this.#ensureListed();
    if (this.#packs.some((pack) => pack.name === name)) return;
    this.#packs.push(new Pack(name, bytes, idx));
  }

  #ensureListed(): void {
    if (this.#listed) return;
    this.#listPacks();
  }

  /** Loads the packs of the pack folder not loaded yet; true when one was added. */
  #listPacks(): boolean {
    this.#listed = true;
    let names: string[];
    try {
      names = readdirSync(this.#packDir);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    let added = false;
    for (const file of names) {
      if (!file.endsWith('.idx') || !file.startsWith('pack-')) continue;
      const name = file.slice(0, -'.idx'.length);
      if (this.#packs.some((pack) => pack.name === name)) continue;
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(this.#packDir, `${name}.pack`));
      } catch (error: unknown) {
        // An index whose pack is gone (or not there yet) names nothing readable.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      this.#packs.push(new Pack(name, bytes, readFileSync(path.join(this.#packDir, file))));
      added = true;
    }
    return added;
  }

  /** True when the object is in a pack, pending, or loose. */
  has(oid: string): boolean {
    if (this.#pending.has(oid)) return true;
    if (this.#locate(Buffer.from(oid, 'hex')) !== undefined) return true;
    return this.#readLoose(oid) !== undefined;
  }

  #locate(raw: Uint8Array): { pack: Pack; offset: number } | undefined {
    this.#ensureListed();
    for (const pack of this.#packs) {
      const offset = pack.find(raw);
      if (offset >= 0) return { pack, offset };
    }
    return undefined;
  }

  read(oid: string): GitObject {
    const pending = this.#pending.get(oid);
    if (pending !== undefined) return pending;
    if (!/^[0-9a-f]{40}$/.test(oid)) throw new GitProtocolError(`not an object id: ${oid}`);
    const raw = Buffer.from(oid, 'hex');
    let found = this.#locate(raw);
    if (found === undefined) {
      const loose = this.#readLoose(oid);
      if (loose !== undefined) return loose;
      // A pack written since we listed the folder (isomorphic-git's fetch writes packs).
      if (this.#listPacks()) found = this.#locate(raw);
      if (found === undefined) throw new GitObjectMissing(oid);
    }
    return this.#readPacked(found.pack, found.offset);
  }

  readTree(oid: string): readonly TreeEntry[] {
    const known = this.#trees.get(oid);
    if (known !== undefined) return known;
    const object = this.read(oid);
    if (object.type !== 'tree')
      throw new GitProtocolError(`${oid} is a ${object.type}, not a tree`);
    const entries = parseTree(object.data, oid);
    if (this.#trees.size >= TREE_CACHE_ENTRIES) this.#trees.clear();
    this.#trees.set(oid, entries);
    return entries;
  }

  readCommit(oid: string): CommitHeader {
    const object = this.read(oid);
    if (object.type !== 'commit')
      throw new GitProtocolError(`${oid} is a ${object.type}, not a commit`);
    return parseCommitHeader(object.data, oid);
  }

  #readLoose(oid: string): GitObject | undefined {
    let compressed: Buffer;
    try {
      compressed = readFileSync(path.join(this.#gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // Loose objects are rare here (we write packs), and their size is unknown: the public API.
    const raw = inflateSync(compressed);
    const nul = raw.indexOf(0);
    const [typeName, sizeText] = raw.toString('latin1', 0, nul).split(' ');
    const type = TYPE_NAMES.find((name) => name === typeName);
    if (type === undefined || Number(sizeText) !== raw.length - nul - 1)
      throw new GitProtocolError(`loose object ${oid} is malformed`);
    return { type, data: raw.subarray(nul + 1) };
  }

  /** Reads the entry at `offset`, walking its delta chain down to a whole object. */
  #readPacked(pack: Pack, offset: number): GitObject {
    const chain: EntryHeader[] = [];
    /** Where each chain entry starts: the object built from chain[k] is the entry at chainAt[k]. */
    const chainAt: number[] = [];
    let base: GitObject | undefined;
    let at = offset;
    for (;;) {
      const cached = this.#bases.get(`${pack.name}:${at}`);
      if (cached !== undefined) {
        base = cached;
        break;
      }
      const header = entryHeader(pack.bytes, at);
      if (header.type >= 1 && header.type <= 4) {
        const type = TYPE_NAMES[header.type];
        if (type === undefined) throw new GitProtocolError(`bad object type in ${pack.name}`);
        base = { type, data: this.#inflate(pack, header) };
        if (chain.length > 0) this.#rememberBase(`${pack.name}:${at}`, base);
        break;
      }
      if (header.type === OFS_DELTA && header.baseOffset !== undefined) {
        chain.push(header);
        chainAt.push(at);
        at = header.baseOffset;
      } else if (header.type === REF_DELTA && header.baseOid !== undefined) {
        chain.push(header);
        chainAt.push(at);
        base = this.read(Buffer.from(header.baseOid).toString('hex'));
        break;
      } else {
        throw new GitProtocolError(`bad entry type ${header.type} in ${pack.name}`);
      }
      if (chain.length > 10_000) throw new GitProtocolError(`delta chain too deep in ${pack.name}`);
    }
    let object = base;
    for (let k = chain.length - 1; k >= 0; k--) {
      const header = chain[k];
      if (header === undefined) continue;
      object = { type: object.type, data: applyDelta(object.data, this.#inflate(pack, header)) };
      // Intermediate results are bases of the next step: keep them for the neighbours.
      if (k > 0) this.#rememberBase(`${pack.name}:${chainAt[k] ?? -1}`, object);
    }
    return object;
  }

  #inflate(pack: Pack, header: EntryHeader): Buffer {
    const out = Buffer.allocUnsafe(header.size + 1);
    if (this.#inflater.inflate(pack.bytes, header.dataAt, out, 0, header.size) < 0)
      throw new GitProtocolError(`${pack.name} is truncated`);
    return out.subarray(0, header.size);
  }

  #rememberBase(key: string, object: GitObject): void {
    if (object.data.length > BASE_CACHE_BYTES / 4) return;
    this.#bases.set(key, object);
    this.#baseBytes += object.data.length;
    for (const [oldKey, old] of this.#bases) {
      if (this.#baseBytes <= BASE_CACHE_BYTES) break;
      this.#bases.delete(oldKey);
      this.#baseBytes -= old.data.length;
    }
  }

  /** Stores an object in memory until `flush()`; returns its oid. */
  write(type: ObjectType, data: Uint8Array): string {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const oid = hashObject(type, bytes);
    if (this.#pending.has(oid) || this.#locate(Buffer.from(oid, 'hex')) !== undefined) return oid;
    this.#pending.set(oid, { oid, type, data: bytes });
    if (type === 'tree') this.#trees.set(oid, parseTree(bytes, oid));
    return oid;
  }

  /** Writes the pending objects as one pack with its index (pack first, index renamed last). */
  flush(): void {
    if (this.#pending.size === 0) return;
    const objects = [...this.#pending.values()];
    const { pack, idx, name } = buildPack(objects);
    mkdirSync(this.#packDir, { recursive: true });
    writeFileSync(path.join(this.#packDir, `${name}.pack`), pack);
    const tmp = path.join(this.#packDir, `tmp-${name}.idx`);
    writeFileSync(tmp, idx);
    renameSync(tmp, path.join(this.#packDir, `${name}.idx`));
    this.addPack(name, pack, idx);
    this.#pending.clear();
  }

  /**
   * A pack of `oids` for a push: entries stored whole in a local pack (what `flush()` wrote)
   * are copied as they are; anything else is read and deflated.
   */
  packObjects(oids: Iterable<string>): Buffer {
    const parts: Buffer[] = [];
    let count = 0;
    for (const oid of oids) {
      count++;
      const found = this.#pending.has(oid) ? undefined : this.#locate(Buffer.from(oid, 'hex'));
      if (found !== undefined) {
        const header = entryHeader(found.pack.bytes, found.offset);
        if (header.type >= 1 && header.type <= 4) {
          const used = this.#inflater.inflate(
            found.pack.bytes,
            header.dataAt,
            Buffer.allocUnsafe(header.size + 1),
            0,
            header.size,
          );
          parts.push(found.pack.bytes.subarray(found.offset, header.dataAt + used));
          continue;
        }
      }
      const object = this.read(oid);
      parts.push(
        packEntryHeader(TYPE_CODES[object.type], object.data.length),
        deflateSync(object.data),
      );
    }
    return finishPack(count, parts);
  }
}

function finishPack(count: number, parts: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(count, 8);
  const body = Buffer.concat([header, ...parts]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** One pack of whole (undeltified) objects and its `.idx`. */
export function buildPack(objects: readonly Pending[]): {
  pack: Buffer;
  idx: Buffer;
  name: string;
} {
  const n = objects.length;
  const oids = new Uint8Array(n * 20);
  const offsets = new Uint32Array(n);
  const crcs = new Uint32Array(n);
  const parts: Buffer[] = [];
  let at = 12;
  objects.forEach((object, i) => {
    const entry = Buffer.concat([
      packEntryHeader(TYPE_CODES[object.type], object.data.length),
      deflateSync(object.data),
    ]);
    oids.set(Buffer.from(object.oid, 'hex'), i * 20);
    offsets[i] = at;
    crcs[i] = crc32(entry);
    parts.push(entry);
    at += entry.length;
  });
  const pack = finishPack(n, parts);
  const trailer = pack.subarray(pack.length - 20);
  return {
    pack,
    idx: writeIdx(n, oids, offsets, crcs, trailer),
    name: `pack-${trailer.toString('hex')}`,
  };
}
