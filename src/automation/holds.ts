/**
 * Rollback holds without state outside Git (docs/automation.md, "Holds").
 *
 * Flux v2 and Argo CD Image Updater re-upgrade a slot a person rolled back in Git
 * (fluxcd/flux2#4676, argoproj-labs/argocd-image-updater#1249). Tagpilot finds, per slot, its
 * own last commit that wrote the slot — recognised by its `Tagpilot-Update` trailer — by walking
 * the file's history through the Git layer's bounded `log`. The planner (plan.ts) then compares:
 * if the file now holds a different value that the policy orders below the one tagpilot wrote,
 * the slot is held below that value until a newer tag appears, or until `tagpilot policy
 * --unlock` records a release in the repository state file (state.ts).
 */
import type { GitStore } from '../git/types.js';
import type { ImageSlot } from '../manifests/types.js';
import { parseTrailers } from './message.js';
import type { LastWrite } from './types.js';

/** How many commits touching one file are read before concluding "no tagpilot write". */
export const DEFAULT_HOLD_DEPTH = 50;

/**
 * Tagpilot's last write for each slot, reading each file's history once. Slots with no tagpilot
 * commit within `maxCommits` are absent (no hold).
 */
export async function findLastWrites(
  git: Pick<GitStore, 'log'>,
  slots: readonly ImageSlot[],
  maxCommits: number = DEFAULT_HOLD_DEPTH,
): Promise<Map<string, LastWrite>> {
  const byFile = new Map<string, Set<string>>();
  for (const slot of slots) {
    const ids = byFile.get(slot.file) ?? new Set<string>();
    ids.add(slot.id);
    byFile.set(slot.file, ids);
  }
  const found = new Map<string, LastWrite>();
  for (const [file, ids] of byFile) {
    const seen = new Set<string>();
    const scan = (message: string, oid: string): void => {
      for (const trailer of parseTrailers(message)) {
        if (!ids.has(trailer.slot) || seen.has(trailer.slot)) continue;
        seen.add(trailer.slot);
        found.set(trailer.slot, { commit: oid, value: trailer.to });
      }
    };
    // The predicate records as it goes so the walk stops as soon as every slot is accounted
    // for; the loop below reads the returned commits in case the layer does not call it.
    const commits = await git.log(file, {
      maxCommits,
      until: (commit) => {
        scan(commit.message, commit.oid);
        return seen.size === ids.size;
      },
    });
    for (const commit of commits) scan(commit.message, commit.oid);
  }
  return found;
}
