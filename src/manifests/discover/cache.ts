/**
 * Parse results keyed by blob: the Git object id (a content hash) plus the two options that
 * change what a text yields. An unchanged file is never decoded or parsed again, and two paths
 * holding the same blob (a file copied between `clusters/staging` and `clusters/prod`) share one
 * entry, since facts carry no path.
 */
import type { ExtractOptions, FileFacts } from './facts.js';

export class DiscoveryCache {
  private readonly entries = new Map<string, FileFacts>();
  private used = new Set<string>();

  /** Number of blobs held. */
  get size(): number {
    return this.entries.size;
  }

  static key(oid: string, options: ExtractOptions): string {
    return `${oid}\u0000${options.kustomization ? 'k' : ''}\u0000${options.defaultNamespace}`;
  }

  get(key: string): FileFacts | undefined {
    const facts = this.entries.get(key);
    if (facts !== undefined) this.used.add(key);
    return facts;
  }

  set(key: string, facts: FileFacts): void {
    this.entries.set(key, facts);
    this.used.add(key);
  }

  /**
   * Drops the entries no lookup has touched since the previous prune (blobs that left the
   * repository), so a long-running controller's cache stays the size of the repository. Call it
   * after a discovery run; returns how many entries were dropped.
   */
  prune(): number {
    let dropped = 0;
    for (const key of this.entries.keys())
      if (!this.used.has(key)) {
        this.entries.delete(key);
        dropped++;
      }
    this.used = new Set();
    return dropped;
  }
}
