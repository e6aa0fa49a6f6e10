/**
 * The full explanation of one image slot in a modal `<dialog>`: the browser traps focus in it,
 * Escape closes it, and focus returns to the button that opened it.
 */
import { useEffect, useRef } from 'preact/hooks';
import { Badge, StateDetail } from './badge.js';
import type { WorkloadRow } from './workload-filter.js';

export function ExplainDialog({ row, onClose }: { row: WorkloadRow; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
  }, []);
  const w = row.workload;
  return (
    <dialog ref={dialog} class="explain" aria-labelledby="explain-title" onClose={onClose}>
      <div class="explain-head">
        <h2 id="explain-title" class="wrap">
          {w.slot}
        </h2>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      <dl class="facts">
        <div>
          <dt>Repository</dt>
          <dd>{row.repository}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd class="wrap">
            {w.file}
            {w.line !== null && `:${w.line}`}
          </dd>
        </div>
        <div>
          <dt>Image</dt>
          <dd class="wrap">{w.image}</dd>
        </div>
        <div>
          <dt>Current → best</dt>
          <dd class="mono">
            {w.currentTag ?? '—'} → {w.bestTag ?? '—'}
          </dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            <Badge value={w.state} />
            <StateDetail workload={w} />
            {w.lock?.reason && `: ${w.lock.reason}`}
            {w.hold && `: ${w.hold.reason}`}
            {w.error && `: ${w.error}`}
          </dd>
        </div>
      </dl>
      <h3>tagpilot explain</h3>
      <pre tabIndex={0}>{w.explain}</pre>
    </dialog>
  );
}
