/** Pure formatting for the status page: times, durations, links. No DOM, so tests run in Node. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "42 s ago", "3 min ago", "in 5 min", "2 h ago", "4 d ago". */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const delta = now - at;
  const size = Math.abs(delta);
  if (size < 5 * SECOND) return 'just now';
  const amount =
    size < MINUTE
      ? `${Math.round(size / SECOND)} s`
      : size < HOUR
        ? `${Math.round(size / MINUTE)} min`
        : size < 2 * DAY
          ? `${Math.round(size / HOUR)} h`
          : `${Math.round(size / DAY)} d`;
  return delta >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** "850 ms", "1.2 s", "3 min 5 s", "2 h 4 min". */
export function duration(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(ms < 10 * SECOND ? 1 : 0)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ${Math.round((ms % MINUTE) / SECOND)} s`;
  return `${Math.floor(ms / HOUR)} h ${Math.round((ms % HOUR) / MINUTE)} min`;
}

/** The local date and time for a tooltip, or the input when it is not a time. */
export function localTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

export function shortSha(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

/**
 * A link target only when it is an absolute http(s) URL: anything else (`javascript:`, `data:`,
 * relative paths) is shown as text, never followed.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (url === null || url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
