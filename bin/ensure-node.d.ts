// Types for bin/ensure-node.js, which stays plain JavaScript so that old Node versions can run it.
export declare const MINIMUM: readonly [number, number];
export declare function supported(version: string): boolean;
export declare function ensureNode(root: string, script: string): Promise<void>;
