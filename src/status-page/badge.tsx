import type { WorkloadStatus } from '../server/status-schema.js';
import { shortSha } from './format.js';

/** A state as a word with a colour; the word carries the meaning, the colour only helps. */
export function Badge({ value }: { value: string }) {
  return (
    <span class={`badge badge-${value.replaceAll(/[^a-z_]/g, '')}`}>
      {value.replaceAll('_', ' ')}
    </span>
  );
}

/** Who or what holds a slot, after its state's badge. */
export function StateDetail({ workload: w }: { workload: WorkloadStatus }) {
  if (w.state === 'held' && w.hold?.commit) return <> rolled back in {shortSha(w.hold.commit)}</>;
  if (w.state === 'locked' && w.lock?.by) return <> by {w.lock.by}</>;
  return null;
}
