/**
 * The editor's one error type. Every refusal names the file, the 1-based line (and column when
 * the parser gave one) and a reason a person can act on; the file is never written when one is
 * thrown (docs/manifests-editing.md, "Refusals").
 */
import { TagpilotError } from '../../errors/index.js';

export type ManifestEditErrorCode =
  /** The original text is not valid YAML. */
  | 'EDIT_YAML_INVALID'
  /** No scalar sits at the given source range (stale slot, wrong file). */
  | 'EDIT_RANGE_INVALID'
  /** The value at the range is an alias, a map or a sequence. */
  | 'EDIT_NOT_A_SCALAR'
  /** A block scalar (`|`, `>`) cannot hold a one-line value without reflowing its lines. */
  | 'EDIT_UNSUPPORTED_STYLE'
  /** The scalar is anchored and aliased elsewhere: editing it would change other fields. */
  | 'EDIT_ALIASED'
  /** Two edits touch the same scalar. */
  | 'EDIT_OVERLAP'
  /** The file no longer holds the value the slot says it holds. */
  | 'EDIT_STALE'
  /** The new value does not fit the slot's shape (a tag for a slot without a tag field, ...). */
  | 'EDIT_SHAPE_MISMATCH'
  /** The slot pins a digest; an edit must give the new digest too. */
  | 'EDIT_DIGEST_REQUIRED'
  /** The edited text did not re-parse to the original plus the intended fields. */
  | 'EDIT_VERIFY_FAILED'
  /** The workload, container or map to edit is not in the file. */
  | 'EDIT_TARGET_NOT_FOUND';

export interface EditLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, when known. */
  readonly column?: number | undefined;
}

export class ManifestEditError extends TagpilotError {
  declare readonly code: ManifestEditErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly reason: string;

  constructor(code: ManifestEditErrorCode, where: EditLocation, reason: string) {
    const position = where.column === undefined ? `${where.line}` : `${where.line}:${where.column}`;
    super(code, `${where.file}:${position}: ${reason}`);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.reason = reason;
  }
}
