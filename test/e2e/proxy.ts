/**
 * An HTTP proxy in front of the loopback Git server that can hold a chosen request: before
 * forwarding it (the push never arrives) or after the server has answered (the push landed but
 * the client never hears back). Tests use it to SIGKILL a `tagpilot run --once` child process at
 * an exact step, deterministically, instead of guessing with timers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Hold = 'before' | 'after';

export interface HoldingProxy {
  /** The proxy's URL for `target` (same path). */
  url(target: string): string;
  /** Hold the next request whose URL matches; resolves when it is being held. */
  holdNext(match: RegExp, when: Hold): Promise<void>;
  stop(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let rule: { match: RegExp; when: Hold; held: () => void } | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const current = rule;
      const hit = current !== undefined && current.match.test(req.url ?? '');
      if (hit) rule = undefined;
      if (hit && current.when === 'before') {
        current.held();
        return; // never forwarded, never answered
      }
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (hit) {
              current.held(); // the server applied it; the client never hears back
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (t) => {
      const u = new URL(t);
      return `http://127.0.0.1:${port}${u.pathname}`;
    },
    holdNext: (match, when) =>
      new Promise<void>((held) => {
        rule = { match, when, held };
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
