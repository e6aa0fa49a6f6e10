export type { ImageRef } from './reference.js';
export {
  ImageRefError,
  DOCKER_HUB,
  DOCKER_HUB_ALIASES,
  parseImageRef,
  tryParseImageRef,
  canonicalRegistry,
  canonicalName,
  canonicalRef,
  formatImageRef,
  withVersion,
  sameRepository,
} from './reference.js';
