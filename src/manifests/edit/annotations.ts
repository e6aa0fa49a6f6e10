/**
 * Annotation edits for the policy commands: set, add or remove one key of a workload's
 * `metadata.annotations`, creating the map when it is absent, in the file's own indentation and
 * line breaks, verified like image edits (verify.ts). Pure.
 */
import { isMap, isNode, isScalar, type Pair, type YAMLMap } from 'yaml';
import type { ImageSlot } from '../types.js';
import { ManifestEditError } from './errors.js';
import {
  keyLabel,
  locate,
  parseFile,
  rangeOf,
  type FlatNode,
  type ParsedFile,
  type PathSegment,
} from './parsed-file.js';
import { renderScalar, writableStyle } from './scalar-text.js';
import { applySplices, type Splice } from './splice.js';
import {
  afterTrailingComments,
  columnOf,
  lineStart,
  linesAfter,
  nextLineStart,
} from './text-lines.js';
import { toData, verifyEdit } from './verify.js';

/** Which object in the file: a document, and the path to the object in it (`['items', 2]` in a List). */
export interface AnnotationTarget {
  readonly documentIndex: number;
  readonly objectPath: readonly PathSegment[];
}

export type AnnotationChange =
  | { readonly op: 'set'; readonly key: string; readonly value: string }
  | { readonly op: 'remove'; readonly key: string };

/** The object holding an image at `yamlPath` (ImageSlot.yamlPath): a List item, or the document. */
export function objectPathOf(yamlPath: string): PathSegment[] {
  const item = /^\.items\[(\d+)\]/.exec(yamlPath);
  return item === null ? [] : ['items', Number(item[1])];
}

/** The object holding a slot's image, as an annotation target (for the policy commands). */
export function annotationTargetOf(
  slot: Pick<ImageSlot, 'documentIndex' | 'yamlPath'>,
): AnnotationTarget {
  return { documentIndex: slot.documentIndex, objectPath: objectPathOf(slot.yamlPath) };
}

/**
 * Returns `text` with the change made and verified; the same text when there is nothing to do
 * (removing a key that is absent, setting a key to the value it has).
 */
export function applyAnnotationEdit(
  text: string,
  target: AnnotationTarget,
  change: AnnotationChange,
  file: string,
): string {
  const parsed = parseFile(text, file);
  const metadata = findMetadata(parsed, target);
  const annotationsPair = pairOf(metadata, 'annotations');
  const plan = planChange(parsed, metadata, annotationsPair, change);
  if (plan === undefined) return text;
  const edited = applySplices(text, [plan.splice]);
  if (edited === text) return text;

  const data = parsed.documents.map((document) => toData(document, file));
  changeData(data, target, change, plan.removesMap);
  const annotationsPath = [...target.objectPath, 'metadata', 'annotations'];
  const skipPrefix = plan.wholeMap ? annotationsPath : [...annotationsPath, change.key];
  verifyEdit(parsed, edited, [plan.splice], {
    data,
    skip: (documentIndex: number, entry: FlatNode) =>
      documentIndex === target.documentIndex && startsWith(entry.path, skipPrefix),
    restyled: new Map(),
  });
  return edited;
}

interface Plan {
  readonly splice: Splice;
  /** The change creates, replaces or removes the whole annotations map. */
  readonly wholeMap: boolean;
  /** The change removes the `annotations` key itself (its last annotation was removed). */
  readonly removesMap: boolean;
}

function findMetadata(parsed: ParsedFile, target: AnnotationTarget): YAMLMap {
  const where = { file: parsed.file, line: 1 };
  const document = parsed.documents[target.documentIndex];
  if (document === undefined)
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      where,
      `the file has ${parsed.documents.length} documents, not ${target.documentIndex + 1}`,
    );
  const object: unknown =
    target.objectPath.length === 0 ? document.contents : document.getIn(target.objectPath, true);
  if (!isMap(object))
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      where,
      `document ${target.documentIndex + 1} has no object at ${target.objectPath.join('.') || 'its root'}`,
    );
  const metadata = object.get('metadata', true);
  if (!isMap(metadata))
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      locate(parsed, rangeOf(object)[0]),
      'the object has no metadata map to hold annotations',
    );
  return metadata;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyLabel(pair.key) === key);
}

function planChange(
  parsed: ParsedFile,
  metadata: YAMLMap,
  annotationsPair: Pair | undefined,
  change: AnnotationChange,
): Plan | undefined {
  const annotations = annotationsPair?.value;
  const emptyValue =
    annotationsPair !== undefined && isScalar(annotations) && annotations.value === null;
  if (change.op === 'remove') {
    if (annotationsPair === undefined || !isMap(annotations)) return undefined;
    const pair = pairOf(annotations, change.key);
    if (pair === undefined) return undefined;
    if (annotations.items.length > 1)
      return { splice: removePair(parsed, annotations, pair), wholeMap: false, removesMap: false };
    if (metadata.items.length === 1)
      throw new ManifestEditError(
        'EDIT_TARGET_NOT_FOUND',
        locate(parsed, rangeOf(metadata)[0]),
        'removing the last annotation would leave metadata empty',
      );
    return {
      splice: removePair(parsed, metadata, annotationsPair),
      wholeMap: true,
      removesMap: true,
    };
  }
  if (annotationsPair === undefined)
    return {
      splice: addPair(parsed, metadata, 'annotations', [[change.key, change.value]]),
      wholeMap: true,
      removesMap: false,
    };
  if (emptyValue) {
    const [from, to] = rangeOf(annotations);
    const flow = `{${renderScalar(change.key, 'PLAIN', true)}: ${renderScalar(change.value, 'PLAIN', true)}}`;
    // `annotations:` with nothing after it becomes a block map; `annotations: ~` a flow map.
    if (from === to)
      return {
        splice: addPair(
          parsed,
          metadata,
          'annotations',
          [[change.key, change.value]],
          annotationsPair,
        ),
        wholeMap: true,
        removesMap: false,
      };
    return { splice: { start: from, end: to, text: flow }, wholeMap: true, removesMap: false };
  }
  if (!isMap(annotations))
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      locate(
        parsed,
        isNode(annotationsPair.value)
          ? rangeOf(annotationsPair.value)[0]
          : startOf(annotationsPair),
      ),
      'metadata.annotations is not a map',
    );
  const existing = pairOf(annotations, change.key);
  if (existing === undefined)
    return {
      splice: addPair(parsed, annotations, change.key, change.value),
      wholeMap: false,
      removesMap: false,
    };
  return { splice: setValue(parsed, existing, change.value), wholeMap: false, removesMap: false };
}

function setValue(parsed: ParsedFile, pair: Pair, value: string): Splice {
  const node = pair.value;
  const where = locate(parsed, isScalar(pair.key) ? rangeOf(pair.key)[0] : 0);
  if (!isScalar(node))
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      where,
      'the annotation value is not a string scalar',
    );
  const style = writableStyle(node.type);
  if (style === undefined)
    throw new ManifestEditError(
      'EDIT_UNSUPPORTED_STYLE',
      where,
      'the annotation value is a block scalar; write it on one line to let tagpilot edit it',
    );
  const [from, to] = rangeOf(node);
  const text = (from === to ? ' ' : '') + renderScalar(value, style, isInFlow(parsed, from));
  return { start: from, end: to, text };
}

function isInFlow(parsed: ParsedFile, offset: number): boolean {
  for (const nodes of parsed.nodes)
    for (const entry of nodes)
      if (rangeOf(entry.node)[0] === offset && !entry.isKey) return entry.inFlow;
  return false;
}

/**
 * A splice adding `key: value` (or `key:` + nested pairs) as the last pair of `map`. `after`, when
 * given, is an existing pair of `map` with an empty value that the nested pairs go under.
 */
function addPair(
  parsed: ParsedFile,
  map: YAMLMap,
  key: string,
  value: string | readonly (readonly [string, string])[],
  after?: Pair,
): Splice {
  const text = parsed.text;
  const last = map.items[map.items.length - 1];
  const flow = map.flow === true || isInFlow(parsed, rangeOf(map)[0]);
  const single = typeof value === 'string' ? value : undefined;
  const nested = typeof value === 'string' ? undefined : value;
  if (flow) {
    const rendered =
      nested === undefined
        ? `${renderScalar(key, 'PLAIN', true)}: ${renderScalar(single ?? '', 'PLAIN', true)}`
        : `${renderScalar(key, 'PLAIN', true)}: {${nested.map(([k, v]) => `${renderScalar(k, 'PLAIN', true)}: ${renderScalar(v, 'PLAIN', true)}`).join(', ')}}`;
    if (last === undefined) {
      const close = rangeOf(map)[1] - 1;
      return { start: close, end: close, text: rendered };
    }
    const end = endOf(last);
    return { start: end, end, text: `, ${rendered}` };
  }
  if (last === undefined)
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      locate(parsed, rangeOf(map)[0]),
      'cannot add to an empty block map',
    );
  const first = map.items[0] ?? last;
  const column = columnOf(text, startOf(first));
  const indent = ' '.repeat(column);
  if (nested === undefined) {
    const line = `${indent}${renderScalar(key, 'PLAIN', false)}: ${renderScalar(single ?? '', 'PLAIN', false)}`;
    const insert = linesAfter(text, afterTrailingComments(text, endOf(last) - 1, column) - 1, [
      line,
    ]);
    return { start: insert.at, end: insert.at, text: insert.text };
  }
  const step = childStep(parsed, map, column);
  const inner = nested.map(
    ([k, v]) =>
      `${indent}${' '.repeat(step)}${renderScalar(k, 'PLAIN', false)}: ${renderScalar(v, 'PLAIN', false)}`,
  );
  if (after !== undefined) {
    // `annotations:` (maybe with a comment) already there: the pairs go on the lines below it.
    const insert = linesAfter(text, startOf(after), inner);
    return { start: insert.at, end: insert.at, text: insert.text };
  }
  const insert = linesAfter(text, afterTrailingComments(text, endOf(last) - 1, column) - 1, [
    `${indent}${renderScalar(key, 'PLAIN', false)}:`,
    ...inner,
  ]);
  return { start: insert.at, end: insert.at, text: insert.text };
}

/** The file's own indentation step: how much deeper `map`'s keys sit than the key holding it. */
function childStep(parsed: ParsedFile, map: YAMLMap, column: number): number {
  for (const nodes of parsed.nodes)
    for (const entry of nodes) {
      if (entry.node !== map) continue;
      const parentKey = nodes.find((other) => other.isKey && other.path === entry.path);
      if (parentKey !== undefined) {
        const step = column - columnOf(parsed.text, rangeOf(parentKey.node)[0]);
        if (step > 0) return step;
      }
    }
  return 2;
}

function removePair(parsed: ParsedFile, map: YAMLMap, pair: Pair): Splice {
  const text = parsed.text;
  const start = startOf(pair);
  const end = endOf(pair);
  if (map.flow === true) {
    const index = map.items.indexOf(pair);
    const next = map.items[index + 1];
    if (next !== undefined) return { start, end: startOf(next), text: '' };
    const previous = map.items[index - 1];
    return { start: previous === undefined ? start : endOf(previous), end, text: '' };
  }
  // Whole lines: from the key's line to the end of the value's last line.
  const from = lineStart(text, start);
  const to = text[end - 1] === '\n' ? end : nextLineStart(text, end);
  return { start: from, end: to, text: '' };
}

function startOf(pair: Pair): number {
  return isNode(pair.key) ? rangeOf(pair.key)[0] : 0;
}

/** Where a pair's value ends (just after its key's `:` when it has no value node). */
function endOf(pair: Pair): number {
  if (isNode(pair.value)) return rangeOf(pair.value)[1];
  return isNode(pair.key) ? rangeOf(pair.key)[1] + 1 : 0;
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function changeData(
  data: unknown[],
  target: AnnotationTarget,
  change: AnnotationChange,
  removesMap: boolean,
): void {
  let object: unknown = data[target.documentIndex];
  for (const segment of [...target.objectPath, 'metadata'])
    object = Array.isArray(object) ? object[Number(segment)] : asRecord(object)[segment];
  const metadata = asRecord(object);
  if (change.op === 'remove') {
    if (removesMap) delete metadata.annotations;
    else Reflect.deleteProperty(asRecord(metadata.annotations), change.key);
    return;
  }
  const annotations = metadata.annotations == null ? {} : asRecord(metadata.annotations);
  annotations[change.key] = change.value;
  metadata.annotations = annotations;
}

/** toJS output along a path findMetadata already walked: a map, or our bug. */
function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('internal: expected a map in the parsed document');
  return value as Record<string, unknown>;
}
