/**
 * The check every edit passes before its text is returned (architecture principle 4): the edited
 * text is parsed again and must equal the original everywhere except the intended fields —
 * the same data (`toJS` of every document, with the intended values substituted), the same
 * nodes with the same comments, anchors, tags and styles, and the same comment, anchor, alias,
 * tag, directive and document-marker tokens. This is independent of how the splice was built,
 * so a wrong splice is caught here rather than committed.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isCollection, isScalar, Lexer } from 'yaml';
import { ManifestEditError } from './errors.js';
import {
  formatPath,
  parseFile,
  rangeOf,
  type FlatNode,
  type ParsedFile,
  type PathSegment,
} from './parsed-file.js';
import type { Splice } from './splice.js';

export interface Expectation {
  /** `toJS()` of every original document with the intended changes made. */
  readonly data: readonly unknown[];
  /** Nodes left out of the node-by-node comparison (the edited ones, or a changed map's pairs). */
  readonly skip: (documentIndex: number, entry: FlatNode) => boolean;
  /** Scalars whose style may change (a plain value that had to be quoted); per document index. */
  readonly restyled: ReadonlyMap<number, ReadonlySet<string>>;
}

/** Parses `edited` and compares it with `original` plus the expectation; throws when they differ. */
export function verifyEdit(
  original: ParsedFile,
  edited: string,
  splices: readonly Splice[],
  expectation: Expectation,
): ParsedFile {
  const line = splices[0] === undefined ? 1 : original.lines.linePos(splices[0].start).line;
  const fail = (reason: string, at = line): never => {
    throw new ManifestEditError('EDIT_VERIFY_FAILED', { file: original.file, line: at }, reason);
  };
  let reparsed: ParsedFile;
  try {
    reparsed = parseFile(edited, original.file);
  } catch (error: unknown) {
    if (error instanceof ManifestEditError)
      return fail(`the edited text does not parse: ${error.reason}`, error.line);
    throw error;
  }
  if (reparsed.documents.length !== original.documents.length)
    fail(
      `the edited text has ${reparsed.documents.length} documents instead of ${original.documents.length}`,
    );
  checkTokens(original.text, edited, splices, fail);
  reparsed.documents.forEach((document, index) => {
    const before = original.documents[index];
    if (before === undefined) return;
    if (document.commentBefore !== before.commentBefore || document.comment !== before.comment)
      fail(`the comments of document ${index + 1} changed`);
    if (document.warnings.length !== before.warnings.length)
      fail(`the edited document ${index + 1} has new parser warnings`);
    compareNodes(original, reparsed, index, expectation, fail);
    const data = toData(document, original.file);
    if (!isDeepStrictEqual(data, expectation.data[index])) {
      const path = firstDifference(expectation.data[index], data, []) ?? [];
      const at = reparsed.nodes[index]?.find(
        (entry) => !entry.isKey && isDeepStrictEqual(entry.path, path),
      );
      fail(
        `document ${index + 1} would read differently at ${formatPath(path) || '(root)'}`,
        at === undefined ? line : reparsed.lines.linePos(rangeOf(at.node)[0]).line,
      );
    }
  });
  return reparsed;
}

/** toJS, with a parse-time failure (alias bomb, bad merge) reported as the file's problem. */
export function toData(document: ParsedFile['documents'][number], file: string): unknown {
  try {
    return document.toJS();
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ManifestEditError('EDIT_YAML_INVALID', { file, line: 1 }, reason);
  }
}

function compareNodes(
  original: ParsedFile,
  reparsed: ParsedFile,
  index: number,
  expectation: Expectation,
  fail: (reason: string, at?: number) => never,
): void {
  const keep = (entry: FlatNode): boolean => !expectation.skip(index, entry);
  const before = (original.nodes[index] ?? []).filter(keep);
  const after = (reparsed.nodes[index] ?? []).filter(keep);
  if (before.length !== after.length)
    fail(`document ${index + 1} has ${after.length} nodes instead of ${before.length}`);
  const restyled = expectation.restyled.get(index);
  before.forEach((entry, position) => {
    const next = after[position];
    if (next === undefined) return;
    const mayRestyle = restyled?.has(formatPath(entry.path)) === true && !entry.isKey;
    const difference = describeChange(entry, next, mayRestyle);
    if (difference !== undefined)
      fail(
        `${difference} at ${formatPath(next.path) || '(root)'}`,
        reparsed.lines.linePos(rangeOf(next.node)[0]).line,
      );
  });
}

function describeChange(a: FlatNode, b: FlatNode, mayRestyle: boolean): string | undefined {
  if (a.isKey !== b.isKey || !isDeepStrictEqual(a.path, b.path)) return 'the structure changed';
  const x = a.node;
  const y = b.node;
  if (isAlias(x) || isAlias(y)) {
    return isAlias(x) && isAlias(y) && x.source === y.source ? undefined : 'an alias changed';
  }
  if (x.anchor !== y.anchor) return 'an anchor changed';
  if (x.tag !== y.tag) return 'a tag changed';
  if (x.comment !== y.comment) return 'a trailing comment changed';
  if (x.commentBefore !== y.commentBefore) return 'a comment changed';
  if (x.spaceBefore !== y.spaceBefore) return 'blank lines changed';
  if (isCollection(x) && isCollection(y) && x.flow !== y.flow) return 'a collection style changed';
  if (isScalar(x) && isScalar(y) && x.type !== y.type && !mayRestyle)
    return 'a scalar style changed';
  return undefined;
}

type Fail = (reason: string, at?: number) => never;

/** Syntax tokens that must survive: comments, anchors, aliases, tags, directives, markers. */
function tokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let previous = '';
  for (const token of new Lexer().lex(text)) {
    // A token right after the scalar marker (U+001F) is scalar content, whatever it starts with.
    if (previous !== '\u001f') {
      const kind = tokenKind(token);
      if (kind !== undefined) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    previous = token;
  }
  return counts;
}

function tokenKind(token: string): string | undefined {
  if (token === '---' || token === '...') return token;
  switch (token[0]) {
    case '#':
      return 'comment';
    case '&':
      return 'anchor';
    case '*':
      return 'alias';
    case '!':
      return 'tag';
    case '%':
      return 'directive';
    default:
      return undefined;
  }
}

function checkTokens(
  original: string,
  edited: string,
  splices: readonly Splice[],
  fail: Fail,
): void {
  const expected = tokenCounts(original);
  for (const splice of splices) {
    for (const [kind, n] of tokenCounts(original.slice(splice.start, splice.end)))
      expected.set(kind, (expected.get(kind) ?? 0) - n);
    for (const [kind, n] of tokenCounts(splice.text))
      expected.set(kind, (expected.get(kind) ?? 0) + n);
  }
  const actual = tokenCounts(edited);
  for (const kind of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(kind) ?? 0;
    const got = actual.get(kind) ?? 0;
    if (want !== got) fail(`the edited text has ${got} ${kind} tokens instead of ${want}`);
  }
}

/** The path of the first place where two toJS values differ, or undefined when equal. */
export function firstDifference(
  a: unknown,
  b: unknown,
  path: readonly PathSegment[],
): readonly PathSegment[] | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return path;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], [...path, key]);
      if (found !== undefined) return found;
    }
    return path;
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
