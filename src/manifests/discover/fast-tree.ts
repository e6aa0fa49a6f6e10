/**
 * A line scanner for the block YAML that GitOps manifests are made of, building the same tree as
 * `parseDocuments` (tree.ts) in a fraction of the time (decision 0032). It accepts only a strict
 * subset and answers `undefined` ("bail out") for anything else, and the caller then runs the
 * real parser. Accepted, line by line:
 *
 *   - blank lines, full-line comments, `---` and `...` alone on their line (a comment may follow);
 *   - `key: value`, `key:` and `- ` items, indented with spaces, where a key is a plain word
 *     (no indicator first, no trailing space) or a one-line quoted string without escapes;
 *   - values that are one-line plain scalars (comment after ` #`), one-line single- or
 *     double-quoted scalars (double only without `\` escapes), or one-line flow collections
 *     of such scalars written `{k: v, ...}` / `[a, ...]` (nested, no empty entries).
 *
 * Everything else bails out: tabs in indentation, anchors, aliases, tags, block scalars,
 * directives, `? ` keys, multi-line scalars or flow collections, tabs inside flow collections
 * or after a key's `:`, a BOM past the first character, a lone `\r`, `- - ` and bare `-` items,
 * a line at an indentation no open collection has. Being conservative is the whole point: a
 * bail-out costs a parse, a wrong tree would cost a wrong slot. Tests compare both trees on
 * every fixture and on generated corpora.
 */
import { type YDocument, type YMap, type YNode, type YScalar, type YSeq } from './tree.js';

interface Frame {
  readonly node: YMap | YSeq;
  readonly indent: number;
}

interface Pending {
  readonly map: YMap;
  readonly indent: number;
}

class Bail extends Error {}

const bail = (): never => {
  throw new Bail();
};

/** Characters that may not start a plain scalar or key in block context (YAML 1.2 §7.3.3). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** Parses `source[at, lineEnd)` as a value; returns the node (null scalar when empty). */
function value(source: string, at: number, lineEnd: number): YNode | undefined {
  let start = at;
  while (start < lineEnd && source[start] === ' ') start++;
  if (start >= lineEnd || source[start] === '#') return undefined;
  const first = source[start];
  if (first === '"' || first === "'") return quoted(source, start, lineEnd);
  if (first === '{' || first === '[') return flowValue(source, start, lineEnd);
  if (first === '\t' || (first !== undefined && INDICATOR.test(first) && !plainDash(source, start)))
    return bail();
  return plain(source, start, lineEnd);
}

/** `-1` or `-x` is a plain scalar; `- ` is a sequence entry. */
function plainDash(source: string, at: number): boolean {
  if (source[at] !== '-') return false;
  const next = source[at + 1];
  return next !== undefined && next !== ' ' && next !== '\t' && next !== '\r' && next !== '\n';
}

function plain(source: string, start: number, lineEnd: number): YScalar {
  let end = lineEnd;
  for (let i = start + 1; i < lineEnd; i++) {
    const c = source[i];
    if (c === '#' && (source[i - 1] === ' ' || source[i - 1] === '\t')) {
      end = i;
      break;
    }
    // `: ` inside a plain scalar is not YAML; let the real parser say so.
    if (c === ':' && (i + 1 === lineEnd || source[i + 1] === ' ' || source[i + 1] === '\t')) bail();
  }
  while (end > start && (source[end - 1] === ' ' || source[end - 1] === '\t')) end--;
  return { t: 'scalar', value: source.slice(start, end), start, end, style: 'plain' };
}

function quoted(source: string, start: number, lineEnd: number): YScalar {
  const quote = source[start];
  let i = start + 1;
  for (; i < lineEnd; i++) {
    const c = source[i];
    if (quote === '"' && c === '\\') bail();
    if (c === quote) {
      if (quote === "'" && source[i + 1] === "'") {
        i++;
        continue;
      }
      break;
    }
  }
  if (i >= lineEnd) bail();
  const end = i + 1;
  // Only spaces, then optionally a comment, may follow on the line.
  let j = end;
  while (j < lineEnd && (source[j] === ' ' || source[j] === '\t')) j++;
  if (j < lineEnd && !(source[j] === '#' && j > end)) bail();
  const inner = source.slice(start + 1, i);
  return {
    t: 'scalar',
    value: quote === "'" ? inner.replaceAll("''", "'") : inner,
    start,
    end,
    style: quote === "'" ? 'single' : 'double',
  };
}

/** A key at `at`: its text and the offset after its `:`; undefined when the line is no key. */
function key(
  source: string,
  at: number,
  lineEnd: number,
): { key: YScalar; after: number } | undefined {
  const first = source[at];
  if (first === '"' || first === "'") {
    const scalar = quoted(source, at, keyQuoteEnd(source, at, lineEnd));
    if (source[scalar.end] !== ':') return undefined;
    const next = source[scalar.end + 1];
    if (scalar.end + 1 < lineEnd && next !== ' ') bail();
    return { key: scalar, after: scalar.end + 1 };
  }
  if (first === undefined || (INDICATOR.test(first) && !plainDash(source, at))) return undefined;
  for (let i = at + 1; i < lineEnd; i++) {
    const c = source[i];
    if (c === '#' && (source[i - 1] === ' ' || source[i - 1] === '\t')) return undefined;
    if (c === ':' && (i + 1 === lineEnd || source[i + 1] === ' ')) {
      if (source[i - 1] === ' ' || source[i - 1] === '\t') bail();
      return {
        key: { t: 'scalar', value: source.slice(at, i), start: at, end: i, style: 'plain' },
        after: i + 1,
      };
    }
    // `:` then a tab also separates a key (and a tab before `:` is odd): the parser decides.
    if ((c === ':' && source[i + 1] === '\t') || (c === '\t' && source[i + 1] === ':')) bail();
  }
  return undefined;
}

/** The end of the quoted key's line segment: up to its closing quote plus one character. */
function keyQuoteEnd(source: string, at: number, lineEnd: number): number {
  const quote = source[at] ?? '"';
  const close = source.indexOf(quote, at + 1);
  if (close === -1 || close >= lineEnd) return lineEnd;
  // `quoted` requires only a comment after the scalar; a key is followed by `:`, so cut there.
  return close + 1;
}

/** Scans `source`; undefined when it holds anything outside the accepted subset. */
export function scanDocuments(source: string): YDocument[] | undefined {
  // A lone `\r` is a line break to YAML; the scanner only knows `\n` and `\r\n`.
  if (source.includes('\r') && /\r(?!\n)/.test(source)) return undefined;
  // A BOM is only allowed as the first character of the stream.
  if (source.indexOf('\uFEFF', 1) !== -1) return undefined;
  try {
    return scan(source);
  } catch (error: unknown) {
    if (error instanceof Bail) return undefined;
    throw error;
  }
}

function scan(source: string): YDocument[] {
  const documents: YDocument[] = [];
  let inDocument = false;
  let root: YNode | undefined;
  let stack: Frame[] = [];
  let pending: Pending | undefined;

  const settlePending = (): void => {
    if (pending === undefined) return;
    // A null value has no source range (-1), as js-yaml reports it.
    pending.map.values.push({ t: 'scalar', value: '', start: -1, end: -1, style: 'plain' });
    pending = undefined;
  };
  const close = (): void => {
    settlePending();
    if (inDocument) documents.push({ root });
    inDocument = false;
    root = undefined;
    stack = [];
  };

  let lineStart = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lineStart <= source.length) {
    const newline = source.indexOf('\n', lineStart);
    const next = newline === -1 ? source.length + 1 : newline + 1;
    let lineEnd = newline === -1 ? source.length : newline;
    if (lineEnd > lineStart && source[lineEnd - 1] === '\r') lineEnd--;
    let indent = lineStart;
    while (indent < lineEnd && source[indent] === ' ') indent++;
    const column = indent - lineStart;
    const first = source[indent];
    if (indent === lineEnd || first === '#') {
      lineStart = next;
      continue;
    }
    if (first === '\t' || first === '%' || source.charCodeAt(indent) === 0xfeff) bail();
    if (column === 0 && (source.startsWith('---', indent) || source.startsWith('...', indent))) {
      const rest = source.slice(indent + 3, lineEnd);
      const isMarker =
        source[indent + 3] === undefined ||
        indent + 3 === lineEnd ||
        source[indent + 3] === ' ' ||
        source[indent + 3] === '\t';
      if (isMarker) {
        // Only spaces, tabs and a comment may follow (`trimStart` would also eat a BOM or NBSP).
        if (!/^([ \t]+(#.*)?)?$/.test(rest)) bail();
        const opening = source[indent] === '-';
        close();
        if (opening) inDocument = true;
        lineStart = next;
        continue;
      }
    }
    if (!inDocument) inDocument = true;
    line(source, indent, column, lineEnd);
    lineStart = next;
  }
  close();
  return documents;

  function line(src: string, at: number, column: number, lineEnd: number): void {
    const isDash = src[at] === '-' && !plainDash(src, at);
    if (isDash) {
      const seq = sequenceAt(column, at);
      let item = at + 1;
      while (item < lineEnd && src[item] === ' ') item++;
      if (item >= lineEnd || src[item] === '#' || src[item] === '\t') bail();
      if (src[item] === '-' && !plainDash(src, item)) bail();
      const found = key(src, item, lineEnd);
      if (found === undefined) {
        const node = value(src, item, lineEnd);
        if (node === undefined) bail();
        else seq.items.push(node);
        return;
      }
      const map: YMap = { t: 'map', start: item, flow: false, keys: [], values: [] };
      seq.items.push(map);
      stack.push({ node: map, indent: item - (at - column) });
      entry(map, found, item - (at - column), lineEnd);
      return;
    }
    const found = key(src, at, lineEnd);
    if (found === undefined) bail();
    else entry(mapAt(column, at), found, column, lineEnd);
  }

  function entry(
    map: YMap,
    found: { key: YScalar; after: number },
    indent: number,
    lineEnd: number,
  ): void {
    map.keys.push(found.key);
    const node = value(source, found.after, lineEnd);
    if (node === undefined) pending = { map, indent };
    else map.values.push(node);
  }

  /** The sequence a `- ` at `column` continues or opens. */
  function sequenceAt(column: number, at: number): YSeq {
    if (pending !== undefined && column >= pending.indent) {
      const seq: YSeq = { t: 'seq', start: at, flow: false, items: [] };
      pending.map.values.push(seq);
      pending = undefined;
      popTo(column);
      stack.push({ node: seq, indent: column });
      return seq;
    }
    settlePending();
    if (root === undefined) {
      if (column !== 0) bail();
      const seq: YSeq = { t: 'seq', start: at, flow: false, items: [] };
      root = seq;
      stack = [{ node: seq, indent: 0 }];
      return seq;
    }
    popTo(column);
    const top = stack[stack.length - 1];
    if (top?.indent !== column || top.node.t !== 'seq') return bail();
    return top.node;
  }

  /** The mapping a key at `column` continues or opens. */
  function mapAt(column: number, at: number): YMap {
    if (pending !== undefined && column > pending.indent) {
      const map: YMap = { t: 'map', start: at, flow: false, keys: [], values: [] };
      pending.map.values.push(map);
      pending = undefined;
      stack.push({ node: map, indent: column });
      return map;
    }
    settlePending();
    if (root === undefined) {
      if (column !== 0) bail();
      const map: YMap = { t: 'map', start: at, flow: false, keys: [], values: [] };
      root = map;
      stack = [{ node: map, indent: 0 }];
      return map;
    }
    popTo(column);
    // A sequence written at its key's column ends when the next key comes.
    let top = stack[stack.length - 1];
    if (top?.node.t === 'seq' && top.indent === column) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (top?.indent !== column || top.node.t !== 'map') return bail();
    return top.node;
  }

  function popTo(column: number): void {
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) > column) stack.pop();
  }
}

/** Characters that end a plain scalar inside a flow collection. */
const FLOW_STOP = new Set([',', '[', ']', '{', '}']);

/** A one-line flow collection at `start`, then only spaces and maybe a comment. */
function flowValue(source: string, start: number, lineEnd: number): YNode {
  // js-yaml refuses some tabs inside flow collections that YAML allows; let it decide.
  const tab = source.indexOf('\t', start);
  if (tab !== -1 && tab < lineEnd) bail();
  const [node, end] = flowNode(source, start, lineEnd);
  const j = skipSpaces(source, end, lineEnd);
  if (j < lineEnd && !(source[j] === '#' && j > end)) bail();
  return node;
}

function skipSpaces(source: string, at: number, lineEnd: number): number {
  let i = at;
  while (i < lineEnd && (source[i] === ' ' || source[i] === '\t')) i++;
  return i;
}

/** One flow node at `at` (after spaces); returns it and the offset after it. */
function flowNode(source: string, at: number, lineEnd: number): [YNode, number] {
  const first = source[at];
  if (first === '{' || first === '[') {
    const isMap = first === '{';
    const close = isMap ? '}' : ']';
    const map: YMap = { t: 'map', start: at, flow: true, keys: [], values: [] };
    const seq: YSeq = { t: 'seq', start: at, flow: true, items: [] };
    let i = skipSpaces(source, at + 1, lineEnd);
    if (source[i] === close) return [isMap ? map : seq, i + 1];
    for (;;) {
      const [item, afterItem] = flowNode(source, i, lineEnd);
      i = skipSpaces(source, afterItem, lineEnd);
      if (isMap) {
        if (item.t !== 'scalar' || source[i] !== ':' || source[i + 1] !== ' ') return bail();
        const [mapValue, afterValue] = flowNode(
          source,
          skipSpaces(source, i + 1, lineEnd),
          lineEnd,
        );
        map.keys.push(item);
        map.values.push(mapValue);
        i = skipSpaces(source, afterValue, lineEnd);
      } else seq.items.push(item);
      if (source[i] === close) return [isMap ? map : seq, i + 1];
      if (source[i] !== ',') return bail();
      i = skipSpaces(source, i + 1, lineEnd);
    }
  }
  if (first === '"' || first === "'") {
    const close = source.indexOf(first, at + 1);
    if (close === -1 || close >= lineEnd) return bail();
    const inner = source.slice(at + 1, close);
    if (inner.includes('\\') || (first === "'" && source[close + 1] === "'")) return bail();
    const style = first === "'" ? 'single' : 'double';
    return [{ t: 'scalar', value: inner, start: at, end: close + 1, style }, close + 1];
  }
  if (first === undefined || (/^[-?:#&*!|>%@`]/.test(first) && !plainDash(source, at)))
    return bail();
  let end = at;
  while (end < lineEnd) {
    const c = source[end] ?? '';
    if (FLOW_STOP.has(c)) break;
    if (c === ':' && (source[end + 1] === ' ' || FLOW_STOP.has(source[end + 1] ?? ''))) break;
    if (c === '#' && (source[end - 1] === ' ' || source[end - 1] === '\t')) return bail();
    end++;
  }
  if (end >= lineEnd) return bail();
  let valueEnd = end;
  while (valueEnd > at && (source[valueEnd - 1] === ' ' || source[valueEnd - 1] === '\t'))
    valueEnd--;
  if (valueEnd === at) return bail();
  return [
    { t: 'scalar', value: source.slice(at, valueEnd), start: at, end: valueEnd, style: 'plain' },
    end,
  ];
}
