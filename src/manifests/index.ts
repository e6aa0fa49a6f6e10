/** The manifests layer: discovery (docs/manifests.md) and the editor (docs/manifests-editing.md). */
export type * from './types.js';
export * from './discover/index.js';
export * from './edit/index.js';
