/** Transport failures become typed errors: unreachable and 5xx are transient, 404 is not. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { GitRefNotFound, GitRemoteUnavailable } from '../../src/git/index.js';
import { openTestStore } from '../support/git/fixture.js';

async function withServer(status: number, run: (url: string) => Promise<void>): Promise<void> {
  const server = http.createServer((_req, res) => res.writeHead(status).end('nope\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run(`http://127.0.0.1:${port}/repo.git`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('remote failures', () => {
  it('reports an unreachable remote as transient GitRemoteUnavailable naming the host', async () => {
    // Bind and close to get a port nobody listens on.
    let url = '';
    await withServer(200, (u) => {
      url = u;
      return Promise.resolve();
    });
    const store = await openTestStore(url);
    try {
      await assert.rejects(
        store.sync(),
        (e: unknown) =>
          e instanceof GitRemoteUnavailable &&
          e.transient &&
          /cannot reach 127\.0\.0\.1:\d+ to fetch \(ECONNREFUSED\)/.test(e.message),
      );
    } finally {
      await store.close();
    }
  });

  it('maps 503 to transient and 404 to GitRefNotFound', async () => {
    await withServer(503, async (url) => {
      const store = await openTestStore(url);
      try {
        await assert.rejects(
          store.sync(),
          (e: unknown) => e instanceof GitRemoteUnavailable && /HTTP 503/.test(e.message),
        );
      } finally {
        await store.close();
      }
    });
    await withServer(404, async (url) => {
      const store = await openTestStore(url);
      try {
        await assert.rejects(
          store.sync(),
          (e: unknown) => e instanceof GitRefNotFound && !e.transient,
        );
      } finally {
        await store.close();
      }
    });
  });
});
