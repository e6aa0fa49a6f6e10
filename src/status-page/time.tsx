import { localTime, relativeTime } from './format.js';

/** A time shown relative to now ("3 min ago"), with the exact time as machine value and tooltip. */
export function When({ at, now }: { at: string | null | undefined; now: number }) {
  if (at === null || at === undefined) return <span class="muted">never</span>;
  return (
    <time dateTime={at} title={localTime(at)}>
      {relativeTime(at, now)}
    </time>
  );
}
