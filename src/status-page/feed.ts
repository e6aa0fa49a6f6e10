/**
 * Live data: polls the status API every few seconds (docs/decisions/0261-status-page-polling.md).
 * The API answers with an ETag and `no-cache`, so the browser revalidates and an unchanged status
 * costs a 304. Polling pauses while the page is hidden and resumes at once when it shows again.
 */
import { useEffect, useState } from 'preact/hooks';
import { STATUS_API_VERSION } from '../server/status-constants.js';
import type { StatusReport } from '../server/status-schema.js';

export const POLL_INTERVAL_MS = 3000;

/** Relative to the page (`/status/`), so the page also works behind a path prefix. */
const STATUS_URL = '../api/v1/status';

export interface Feed {
  readonly report: StatusReport | undefined;
  /** Why the last poll failed, in words for the reader; undefined when it worked. */
  readonly error: string | undefined;
  /** The browser's clock minus the server's (ms), so relative times use the server's clock. */
  readonly skewMs: number;
  /** Incremented on every poll, so relative times refresh even when nothing changed. */
  readonly polls: number;
}

async function poll(): Promise<StatusReport> {
  let response: Response;
  try {
    response = await fetch(STATUS_URL, { headers: { accept: 'application/json' } });
  } catch {
    throw new Error('The controller cannot be reached; retrying.');
  }
  if (response.status === 401)
    throw new Error('The status API asks for the status token: reload the page to sign in.');
  if (!response.ok) throw new Error(`The status API answered ${response.status}; retrying.`);
  const body = (await response.json()) as Partial<StatusReport>;
  if (body.apiVersion !== STATUS_API_VERSION)
    throw new Error(
      `This page reads ${STATUS_API_VERSION}, the controller sent ${String(body.apiVersion)}: reload the page.`,
    );
  return body as StatusReport;
}

export function useStatusFeed(): Feed {
  const [feed, setFeed] = useState<Feed>({
    report: undefined,
    error: undefined,
    skewMs: 0,
    polls: 0,
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false;
    const run = async (): Promise<void> => {
      timer = undefined;
      running = true;
      try {
        const report = await poll();
        const skewMs = Date.now() - Date.parse(report.generatedAt);
        setFeed((last) => ({
          report,
          error: undefined,
          skewMs: Number.isNaN(skewMs) ? 0 : skewMs,
          polls: last.polls + 1,
        }));
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        setFeed((last) => ({ ...last, error: message, polls: last.polls + 1 }));
      }
      running = false;
      if (!stopped && !document.hidden) timer = setTimeout(() => void run(), POLL_INTERVAL_MS);
    };
    const onVisibility = (): void => {
      if (!document.hidden && timer === undefined && !running) void run();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
  return feed;
}
