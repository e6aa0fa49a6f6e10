export type { ImageRef } from './reference.js';
export {
  ImageRefError,
  parseImageRef,
  canonicalName,
  canonicalRef,
  formatImageRef,
  withVersion,
} from './reference.js';
