/**
 * One parse of a file for editing: every document with its nodes flattened in source order, each
 * with its path, so edits can be located by source range and the re-parse compared node by node.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Alias,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ManifestEditError, type EditLocation } from './errors.js';

export type PathSegment = string | number;

export interface FlatNode {
  readonly node: Scalar | Alias | YAMLMap | YAMLSeq;
  readonly path: readonly PathSegment[];
  /** A map key (its path is the pair's path) rather than a value. */
  readonly isKey: boolean;
  /** Inside a flow collection, where `,[]{}` end a plain scalar. */
  readonly inFlow: boolean;
}

export interface ParsedFile {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  /** Per document, every node in source order. */
  readonly nodes: readonly (readonly FlatNode[])[];
  readonly lines: LineCounter;
}

/** Parses `text` as the editor needs it; malformed YAML is refused with file, line and column. */
export function parseFile(text: string, file: string): ParsedFile {
  const lines = new LineCounter();
  const documents = Array.from(parseAllDocuments(text, { lineCounter: lines, prettyErrors: true }));
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) {
      const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      throw new ManifestEditError(
        'EDIT_YAML_INVALID',
        { file, line: pos.line, column: pos.col },
        `not valid YAML: ${firstLine(error.message)}`,
      );
    }
  }
  return { file, text, documents, nodes: documents.map(flatten), lines };
}

function firstLine(message: string): string {
  // The parser appends its own " at line L, column C:" and a code frame; we give those separately.
  const first = message.split('\n', 1)[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/** The location of a character offset, for messages. */
export function locate(parsed: Pick<ParsedFile, 'file' | 'lines'>, offset: number): EditLocation {
  const pos = parsed.lines.linePos(offset);
  return { file: parsed.file, line: pos.line, column: pos.col };
}

function flatten(document: Document.Parsed): FlatNode[] {
  const out: FlatNode[] = [];
  walk(document.contents, [], false, false, out);
  return out;
}

function walk(
  node: unknown,
  path: readonly PathSegment[],
  isKey: boolean,
  inFlow: boolean,
  out: FlatNode[],
): void {
  if (isScalar(node) || isAlias(node)) {
    out.push({ node, path, isKey, inFlow });
  } else if (isMap(node)) {
    out.push({ node, path, isKey, inFlow });
    const flow = inFlow || node.flow === true;
    for (const pair of node.items) {
      const childPath = [...path, keyLabel(pair.key)];
      walk(pair.key, childPath, true, flow, out);
      walk(pair.value, childPath, false, flow, out);
    }
  } else if (isSeq(node)) {
    out.push({ node, path, isKey, inFlow });
    const flow = inFlow || node.flow === true;
    node.items.forEach((item, index) => {
      walk(item, [...path, index], false, flow, out);
    });
  }
}

/** How toJS names a key: scalars by their value, anything else by a marker (never an edit target). */
export function keyLabel(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return '<complex key>';
}

/** `.spec.containers[0].image`, the path style of ImageSlot.yamlPath. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('');
}

export function rangeOf(node: Node): readonly [number, number, number] {
  // Every node of a parsed (not constructed) document has a range.
  return node.range ?? [0, 0, 0];
}
