/**
 * The manifests editor: byte-preserving, verified edits of image fields and annotations.
 * Pure: text in, text out (docs/manifests-editing.md).
 */
export { ManifestEditError, type ManifestEditErrorCode, type EditLocation } from './errors.js';
export { applyImageEdits, spelledLike, type ImageEditOptions } from './image-edits.js';
export { applyScalarEdits, type ScalarEdit } from './scalar-edits.js';
export {
  applyAnnotationEdit,
  annotationTargetOf,
  objectPathOf,
  type AnnotationChange,
  type AnnotationTarget,
} from './annotations.js';
export { plainIsSafe, renderScalar } from './scalar-text.js';
export type { PathSegment } from './parsed-file.js';
