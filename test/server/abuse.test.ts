/**
 * Webhook abuse keeps the server responsive (issues 10 and 16): bodies over the cap (declared or
 * streamed), slow-loris connections, bursts over the rate limit, unknown paths and methods, and
 * a rotated secret — each refused with the right status and counted, while a valid delivery and
 * the health port still answer at once.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { github } from '../../src/server/webhooks/github.js';
import { genericHmac } from '../../src/server/webhooks/generic-hmac.js';
import { startHarness, type Harness } from '../support/webhooks/harness.js';
import { scrape } from '../support/webhooks/prometheus.js';

const SECRET = 'abuse-test-secret-value';
const MiB = 1024 * 1024;

function signedGeneric(secret: string, id: string, padding = 0) {
  const body = Buffer.from(
    JSON.stringify({ images: ['ghcr.io/acme/api'], padding: 'x'.repeat(padding) }),
  );
  const sender = genericHmac.sender;
  assert.ok(sender);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-tagpilot-delivery': id,
      ...sender.authenticate({ body, headers: {} }, secret, { now: 0, header: '' }),
    },
  };
}

/** A raw POST that writes `size` bytes in chunks (no Content-Length when `chunked`). */
function rawPost(url: string, size: number, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: chunked
          ? { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
          : { 'content-type': 'application/json', 'content-length': String(size) },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', (error) => {
      // The server may close after answering; the status already resolved the promise.
      reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('webhook abuse', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      files: { secret: SECRET },
      server: { headersTimeout: '1s', requestTimeout: '3s' },
      webhooks: {
        receivers: [
          {
            name: 'generic',
            type: 'generic-hmac',
            secretFile: 'secret',
            rateLimit: { burst: 1000, perMinute: 6000 },
          },
          { name: 'gh', type: 'github', secretFile: 'secret' },
          {
            name: 'tight',
            type: 'generic-hmac',
            secretFile: 'secret',
            rateLimit: { burst: 3, perMinute: 1 },
          },
        ],
      },
    });
  });
  after(async () => {
    await h.close();
  });

  it('refuses a body over the cap with 413, declared or streamed, before it is read', async () => {
    const url = `${h.servers.webhooks.url}/hook/generic`;
    assert.equal(await rawPost(url, 2 * MiB, false), 413);
    assert.equal(await rawPost(url, 2 * MiB, true).catch(() => 413), 413);
    const ok = signedGeneric(SECRET, 'after-413');
    assert.equal((await h.post('generic', ok.body, ok.headers)).status, 202);
  });

  it('gives Git push senders the larger cap (a 1.5 MiB push is accepted, an image sender’s is not)', async () => {
    const body = Buffer.from(
      JSON.stringify({
        repository: { clone_url: 'https://github.com/acme/deploy.git' },
        pad: 'x'.repeat(1.5 * MiB),
      }),
    );
    const sender = github.sender;
    assert.ok(sender);
    const headers = {
      'x-github-event': 'push',
      'x-github-delivery': 'big-push',
      ...sender.authenticate({ body, headers: {} }, SECRET, { now: 0, header: '' }),
    };
    assert.equal((await h.post('gh', body, headers)).status, 202);
    const image = signedGeneric(SECRET, 'big-image', 1.5 * MiB);
    assert.equal((await h.post('generic', image.body, image.headers)).status, 413);
  });

  it('stays responsive with 200 slow-loris connections open, and closes them at the header timeout', async () => {
    const port = Number(new URL(h.servers.webhooks.url).port);
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 200; i += 1) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.resume(); // read the server's 408 and end, or 'close' never comes
      socket.on('close', () => {
        closed += 1;
      });
      socket.write('POST /hook/generic HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      sockets.push(socket);
    }
    const started = Date.now();
    const ok = signedGeneric(SECRET, 'during-slowloris');
    assert.equal((await h.post('generic', ok.body, ok.headers)).status, 202);
    assert.equal((await fetch(`${h.servers.health.url}/livez`)).status, 200);
    assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    const deadline = Date.now() + 5000;
    while (closed < sockets.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const socket of sockets) socket.destroy();
    assert.equal(closed, sockets.length, 'every slow connection was closed by the server');
  });

  it('answers 429 with Retry-After over the rate limit, per receiver', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const delivery = signedGeneric(SECRET, `tight-${i}`);
      statuses.push((await h.post('tight', delivery.body, delivery.headers)).status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 429, 429]);
    const response = await fetch(`${h.servers.webhooks.url}/hook/tight`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(response.status, 429);
    assert.ok(Number(response.headers.get('retry-after')) >= 1);
    // Another receiver is not affected.
    const other = signedGeneric(SECRET, 'not-tight');
    assert.equal((await h.post('generic', other.body, other.headers)).status, 202);
  });

  it('answers unknown receivers with 404 and other methods with 405', async () => {
    assert.equal((await h.post('nobody', '{}')).status, 404);
    assert.equal((await fetch(`${h.servers.webhooks.url}/elsewhere`)).status, 404);
    const get = await fetch(`${h.servers.webhooks.url}/hook/generic`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('uses a rotated secret without a restart', async () => {
    await writeFile(join(h.dir, 'secret'), 'the-rotated-secret-value\n');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const old = signedGeneric(SECRET, 'rotated-old');
    assert.equal((await h.post('generic', old.body, old.headers)).status, 401);
    const fresh = signedGeneric('the-rotated-secret-value', 'rotated-new');
    assert.equal((await h.post('generic', fresh.body, fresh.headers)).status, 202);
  });

  it('counted every refusal', async () => {
    const metrics = await scrape(`${h.servers.health.url}/metrics`);
    const count = (receiver: string, outcome: string) =>
      metrics.value('tagpilot_webhook_requests_total', { receiver, outcome });
    assert.equal(count('generic', 'too_large'), 3);
    assert.equal(count('tight', 'rate_limited'), 3);
    assert.equal(count('unknown', 'not_found'), 2);
    assert.equal(count('generic', 'method_not_allowed'), 1);
    assert.equal(count('generic', 'unauthorized'), 1);
    assert.ok(count('generic', 'triggered') >= 4);
  });
});
