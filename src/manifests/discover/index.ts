export { discover, discoverFile, type DiscoveryOptions } from './discover.js';
export { DiscoveryCache } from './cache.js';
export { decodeUtf8 } from './extract.js';
export { isKustomizationFile } from './kustomize.js';
export { formatContainerSlotId, parseSlotId, type SlotIdParts } from './slot-id.js';
