/**
 * The core of the editor: set scalars, found by their source range, to new string values by
 * splicing only the characters of each scalar, then verify the result (verify.ts). Pure.
 */
import { isAlias, isScalar, type Scalar } from 'yaml';
import type { SourceRange } from '../types.js';
import { ManifestEditError } from './errors.js';
import {
  formatPath,
  locate,
  parseFile,
  rangeOf,
  type FlatNode,
  type ParsedFile,
} from './parsed-file.js';
import { renderScalar, writableStyle } from './scalar-text.js';
import { applySplices, findOverlap, type Splice } from './splice.js';
import { toData, verifyEdit } from './verify.js';

export interface ScalarEdit {
  /** The scalar's range, with or without its quotes (discovery may give either). */
  readonly range: SourceRange;
  readonly value: string;
  /** What the scalar must hold now; a different value means the caller's view is stale. */
  readonly current?: string | undefined;
  /** For messages: what this scalar is, e.g. `image tag`. */
  readonly label?: string | undefined;
}

interface Located {
  readonly edit: ScalarEdit;
  readonly documentIndex: number;
  readonly entry: FlatNode & { readonly node: Scalar };
  readonly splice: Splice;
}

/** Applies the edits and returns the verified text; throws ManifestEditError otherwise. */
export function applyScalarEdits(text: string, edits: readonly ScalarEdit[], file: string): string {
  if (edits.length === 0) return text;
  const parsed = parseFile(text, file);
  const located = edits.map((edit) => locateEdit(parsed, edit));
  const overlap = findOverlap(located.map((l) => l.splice));
  if (overlap !== undefined)
    throw new ManifestEditError(
      'EDIT_OVERLAP',
      locate(parsed, overlap[1].start),
      'two edits change the same scalar',
    );
  const splices = located.map((l) => l.splice);
  const edited = applySplices(text, splices);
  if (edited === text) return text;

  // The expectation: the original documents with exactly these scalars holding the new values.
  for (const { entry, edit } of located) entry.node.value = edit.value;
  const restyled = new Map<number, Set<string>>();
  for (const { documentIndex, entry } of located) {
    const set = restyled.get(documentIndex) ?? new Set<string>();
    set.add(formatPath(entry.path));
    restyled.set(documentIndex, set);
  }
  const reparsed = verifyEdit(parsed, edited, splices, {
    data: parsed.documents.map((document) => toData(document, file)),
    skip: () => false,
    restyled,
  });
  for (const { documentIndex, entry, edit, splice } of located) {
    const index = parsed.nodes[documentIndex]?.indexOf(entry) ?? -1;
    const back = reparsed.nodes[documentIndex]?.[index]?.node;
    if (!isScalar(back) || back.value !== edit.value)
      throw new ManifestEditError(
        'EDIT_VERIFY_FAILED',
        locate(parsed, splice.start),
        `${edit.label ?? 'the value'} reads back as ${JSON.stringify(isScalar(back) ? back.value : null)}, not ${JSON.stringify(edit.value)}`,
      );
  }
  return edited;
}

function locateEdit(parsed: ParsedFile, edit: ScalarEdit): Located {
  const [start, end] = edit.range;
  const where = locate(parsed, Math.min(Math.max(start, 0), parsed.text.length));
  const label = edit.label ?? 'the value';
  if (!(
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    0 <= start &&
    start <= end &&
    end <= parsed.text.length
  ))
    throw new ManifestEditError(
      'EDIT_RANGE_INVALID',
      where,
      `range [${start}, ${end}) is outside the file`,
    );
  let best: { entry: FlatNode; documentIndex: number; size: number } | undefined;
  parsed.nodes.forEach((nodes, documentIndex) => {
    for (const entry of nodes) {
      if (entry.isKey) continue;
      const [from, valueEnd, nodeEnd] = rangeOf(entry.node);
      const to = Math.max(valueEnd, nodeEnd);
      if (from <= start && end <= to && (best === undefined || to - from < best.size))
        best = { entry, documentIndex, size: to - from };
    }
  });
  if (best === undefined)
    throw new ManifestEditError(
      'EDIT_RANGE_INVALID',
      where,
      `no YAML value at range [${start}, ${end})`,
    );
  const { entry, documentIndex } = best;
  const node = entry.node;
  const path = formatPath(entry.path) || '(root)';
  if (isAlias(node))
    throw new ManifestEditError(
      'EDIT_NOT_A_SCALAR',
      where,
      `${label} at ${path} is an alias of &${node.source}; edit the anchored value instead`,
    );
  if (!isScalar(node))
    throw new ManifestEditError('EDIT_NOT_A_SCALAR', where, `${label} at ${path} is not a scalar`);
  const [from, to, nodeEnd] = rangeOf(node);
  const source = parsed.text.slice(from, to);
  if (!coversScalar(edit.range, [from, to, nodeEnd], node.type))
    throw new ManifestEditError(
      'EDIT_RANGE_INVALID',
      where,
      `range [${start}, ${end}) covers only part of the scalar at ${path} (${from}..${to}); a range must cover a whole scalar`,
    );
  if (edit.current !== undefined && String(node.value) !== edit.current && source !== edit.current)
    throw new ManifestEditError(
      'EDIT_STALE',
      where,
      `${label} at ${path} is ${JSON.stringify(node.value)}, not ${JSON.stringify(edit.current)} as expected; the file changed since it was read`,
    );
  const style = writableStyle(node.type);
  if (style === undefined)
    throw new ManifestEditError(
      'EDIT_UNSUPPORTED_STYLE',
      where,
      `${label} at ${path} is a block scalar (${source[0] ?? '|'}); write it as a one-line scalar to let tagpilot edit it`,
    );
  if (node.anchor !== undefined) {
    const anchor = node.anchor;
    const aliases = (parsed.nodes[documentIndex] ?? []).filter(
      (other) =>
        isAlias(other.node) && other.node.source === anchor && rangeOf(other.node)[0] > from,
    );
    if (aliases.length > 0)
      throw new ManifestEditError(
        'EDIT_ALIASED',
        where,
        `${label} at ${path} is anchored as &${anchor} and used by ${aliases.length} alias(es) (${aliases.map((a) => formatPath(a.path)).join(', ')}); editing it would change them too`,
      );
  }
  // An empty value (`image:`) has a zero-width range right after the colon; keep a space.
  const text = (source === '' ? ' ' : '') + renderScalar(edit.value, style, entry.inFlow);
  return {
    edit,
    documentIndex,
    entry: entry as FlatNode & { readonly node: Scalar },
    splice: { start: from, end: to, text },
  };
}

/**
 * Discovery may give a scalar's range with or without its quotes (or up to the node's end, before
 * a comment); anything else means the range and the file disagree, and guessing could replace
 * the wrong characters.
 */
function coversScalar(
  [start, end]: SourceRange,
  [from, to, nodeEnd]: readonly [number, number, number],
  type: Scalar['type'],
): boolean {
  if (start === from && (end === to || end === nodeEnd)) return true;
  const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
  return quoted && start === from + 1 && end === to - 1;
}
