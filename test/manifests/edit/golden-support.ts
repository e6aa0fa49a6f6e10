/**
 * Builds editor inputs for the golden cases from the YAML itself: slots whose source ranges come
 * from the `yaml` package's node ranges (as discovery gives them), so the cases need no offsets.
 */
import { readFileSync } from 'node:fs';
import { isAlias, isScalar, parseAllDocuments, Scalar } from 'yaml';
import { parseImageRef, type ImageRef } from '../../../src/image/index.js';
import type { ImageEdit, ImageSlot, SourceRange } from '../../../src/manifests/types.js';

export type PathSegment = string | number;

export type CaseEdit =
  | { type: 'image'; document: number; path: PathSegment[]; to: string }
  | {
      type: 'image-parts';
      document: number;
      parts: Partial<Record<'registry' | 'repository' | 'tag' | 'digest', PathSegment[]>>;
      to: string;
    }
  | {
      type: 'annotation';
      document: number;
      object: PathSegment[];
      op: 'set' | 'remove';
      key: string;
      value?: string;
    };

export interface CaseSpec {
  file: string;
  edits: CaseEdit[];
  rangeWithoutQuotes?: boolean;
  error?: { code: string; line: number };
}

/** Strict UTF-8 with the BOM kept, as discovery decodes blobs. */
export function readText(path: string): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(path));
}

/** The scalar at `path`; an alias counts, with its anchor's value (the editor must refuse it). */
function scalarAt(
  text: string,
  document: number,
  path: PathSegment[],
): { value: unknown; type: Scalar['type']; range: readonly number[] } {
  const doc = parseAllDocuments(text)[document];
  const node: unknown = doc?.getIn(path, true);
  if (isAlias(node) && doc !== undefined) {
    const target = node.resolve(doc);
    if (isScalar(target)) return { value: target.value, type: undefined, range: node.range ?? [] };
  }
  if (!isScalar(node))
    throw new Error(`test data: no scalar at document ${document} ${path.join('.')}`);
  return { value: node.value, type: node.type, range: node.range ?? [] };
}

function rangeOf(node: ReturnType<typeof scalarAt>, withoutQuotes: boolean): SourceRange {
  const [start = 0, end = 0] = node.range;
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  return withoutQuotes && quoted ? [start + 1, end - 1] : [start, end];
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

export function slotFor(
  text: string,
  file: string,
  edit: Exclude<CaseEdit, { type: 'annotation' }>,
  withoutQuotes = false,
): ImageEdit {
  const base = { file, documentIndex: edit.document, workload: undefined, container: undefined };
  const common = { workloadPolicy: undefined, policy: undefined, root: '.' };
  const to = parseImageRef(edit.to);
  if (edit.type === 'image') {
    const node = scalarAt(text, edit.document, edit.path);
    const range = rangeOf(node, withoutQuotes);
    const slot: ImageSlot = {
      ...base,
      ...common,
      id: `${file}#${edit.path.join('.')}`,
      yamlPath: edit.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join(''),
      line: lineOf(text, range[0]),
      shape: { kind: 'reference', range },
      current: parseImageRef(String(node.value)),
    };
    return { slot, to };
  }
  const parts: Partial<Record<string, SourceRange>> = {};
  const values: Partial<Record<string, string>> = {};
  let line = 0;
  for (const [part, path] of Object.entries(edit.parts)) {
    const node = scalarAt(text, edit.document, path);
    parts[part] = rangeOf(node, withoutQuotes);
    values[part] = String(node.value);
    line ||= lineOf(text, parts[part][0]);
  }
  const name =
    values.registry === undefined ? values.repository : `${values.registry}/${values.repository}`;
  const current: ImageRef = parseImageRef(
    `${name ?? ''}${values.tag === undefined ? '' : `:${values.tag}`}${values.digest === undefined ? '' : `@${values.digest}`}`,
  );
  const slot: ImageSlot = {
    ...base,
    ...common,
    id: `${file}#parts`,
    yamlPath: '.parts',
    line,
    shape: { kind: 'parts', ...parts },
    current,
  };
  return { slot, to };
}
