/**
 * Image edits: turn "this slot now holds that reference" into scalar edits, in the spelling the
 * file already uses (`nginx:1.25` becomes `nginx:1.27`, never `docker.io/library/nginx:1.27`),
 * over whichever scalars the slot's shape names.
 */
import { formatImageRef, sameRepository, withVersion, type ImageRef } from '../../image/index.js';
import type { ImageEdit, ImageSlot } from '../types.js';
import { ManifestEditError } from './errors.js';
import { applyScalarEdits, type ScalarEdit } from './scalar-edits.js';

export interface ImageEditOptions {
  /** File name for messages; defaults to the slots' `file`. */
  readonly file?: string | undefined;
}

/**
 * Returns `text` with every edit applied, verified by a re-parse; throws ManifestEditError (and
 * returns nothing) when any edit cannot be made exactly.
 */
export function applyImageEdits(
  text: string,
  edits: readonly ImageEdit[],
  options: ImageEditOptions = {},
): string {
  const file = options.file ?? edits[0]?.slot.file ?? '<input>';
  const other = edits.find((edit) => edit.slot.file !== edits[0]?.slot.file);
  if (other !== undefined)
    throw new ManifestEditError(
      'EDIT_TARGET_NOT_FOUND',
      { file, line: other.slot.line },
      `one call edits one file, but a slot belongs to ${other.slot.file}`,
    );
  return applyScalarEdits(
    text,
    edits.flatMap((edit) => scalarEditsFor(edit, file)),
    file,
  );
}

/** The reference to write: the new version in the old spelling when the repository is the same. */
export function spelledLike(current: ImageRef, to: ImageRef): ImageRef {
  return sameRepository(current, to) ? withVersion(current, to.tag, to.digest) : to;
}

function scalarEditsFor({ slot, to }: ImageEdit, file: string): ScalarEdit[] {
  const where = { file, line: slot.line };
  const { current } = slot;
  if (current.digest !== undefined && to.digest === undefined)
    throw new ManifestEditError(
      'EDIT_DIGEST_REQUIRED',
      where,
      `${describe(slot)} pins a digest (${current.digest}); give the new digest with the new tag, or tagpilot would leave a digest that does not match`,
    );
  const next = spelledLike(current, to);
  const shape = slot.shape;
  if (shape.kind === 'reference')
    return [
      {
        range: shape.range,
        value: formatImageRef(next),
        current: current.original,
        label: `image of ${describe(slot)}`,
      },
    ];

  const edits: ScalarEdit[] = [];
  const mismatch = (reason: string): never => {
    throw new ManifestEditError('EDIT_SHAPE_MISMATCH', where, `${describe(slot)}: ${reason}`);
  };
  if (!sameRepository(current, next)) {
    if (shape.repository === undefined)
      return mismatch('has no repository field to change the image name');
    if (shape.registry !== undefined) {
      edits.push({
        range: shape.registry,
        value: next.writtenRegistry ?? 'docker.io',
        label: 'image registry',
      });
      edits.push({ range: shape.repository, value: next.writtenPath, label: 'image repository' });
    } else {
      const name =
        next.writtenRegistry === undefined
          ? next.writtenPath
          : `${next.writtenRegistry}/${next.writtenPath}`;
      edits.push({ range: shape.repository, value: name, label: 'image repository' });
    }
  }
  if (next.tag !== current.tag) {
    if (shape.tag === undefined)
      return mismatch(`has no tag field to write ${JSON.stringify(next.tag)} into`);
    if (next.tag === undefined)
      return mismatch('the new reference has no tag, but the tag field cannot be removed');
    edits.push({ range: shape.tag, value: next.tag, current: current.tag, label: 'image tag' });
  }
  if (next.digest !== current.digest) {
    if (shape.digest === undefined)
      return mismatch(`has no digest field to write ${JSON.stringify(next.digest)} into`);
    if (next.digest === undefined) return mismatch('the digest field cannot be removed');
    edits.push({
      range: shape.digest,
      value: next.digest,
      current: current.digest,
      label: 'image digest',
    });
  }
  return edits;
}

function describe(slot: ImageSlot): string {
  return slot.container === undefined
    ? `the image at ${slot.yamlPath}`
    : `container ${JSON.stringify(slot.container)}`;
}
