/**
 * Proxy settings (HTTP CONNECT tunnel, RFC 9110 §9.3.6) and NO_PROXY, and bulk metadata
 * sources taking precedence over per-tag requests (with a fallback when one fails).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../src/image/index.js';
import type { BulkMetadataSource } from '../../src/registry/index.js';
import { RegistryDouble, storeImage } from '../support/registry/double.js';
import { makeImage } from '../support/registry/images.js';
import { testClient } from '../support/registry/client.js';

const image = makeImage('2024-05-06T07:08:09Z');

/** A minimal CONNECT proxy that records the targets it tunnels to. */
async function connectProxy(): Promise<{ server: Server; url: string; targets: string[] }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_request, response) => {
    response.writeHead(405);
    response.end();
  });
  server.on('connect', (request, client: Socket) => {
    targets.push(request.url ?? '');
    const [host = '', port = '0'] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  return { server, url, targets };
}

describe('proxy', () => {
  it('tunnels registry requests through the configured proxy, and NO_PROXY bypasses it', async () => {
    const proxy = await connectProxy();
    const double = await new RegistryDouble().start();
    storeImage(double.repo('org/app'), image, ['1']);
    const host = new URL(double.origin).host;
    const settings = { hosts: { [host]: { insecure: true } } };
    const proxied = await testClient({ settings, proxy: { httpProxy: proxy.url } });
    assert.deepEqual(await proxied.client.listTags(parseImageRef(`${host}/org/app`)), ['1']);
    assert.deepEqual(proxy.targets, [host]);
    await proxied.client.close();

    const bypass = await testClient({
      settings,
      proxy: { httpProxy: proxy.url, noProxy: '127.0.0.1' },
    });
    assert.deepEqual(await bypass.client.listTags(parseImageRef(`${host}/org/app`)), ['1']);
    assert.equal(proxy.targets.length, 1);
    assert.equal(double.apiRequests().length, 2);
    await bypass.client.close();
    proxy.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      proxy.server.close(() => {
        resolve();
      });
    });
    await double.stop();
  });
});

describe('bulk metadata sources', () => {
  it('are asked first, and per-tag requests cover only what they do not know', async () => {
    const double = await new RegistryDouble().start();
    storeImage(double.repo('org/app'), image, ['1', '2', '3']);
    const host = new URL(double.origin).host;
    let asked = 0;
    const bulk: BulkMetadataSource = {
      handles: (registry) => registry === host,
      metadata: () => {
        asked += 1;
        return Promise.resolve(
          new Map([
            ['1', { pushed: 1000 }],
            ['2', { pushed: 2000, digest: 'sha256:feed' }],
          ]),
        );
      },
    };
    const { client } = await testClient({
      settings: { hosts: { [host]: { insecure: true } } },
      bulkSources: [bulk],
    });
    const result = await client.metadata(parseImageRef(`${host}/org/app`), ['1', '2', '3'], {
      accepts: () => true,
      budget: 100,
    });
    assert.equal(asked, 1);
    const byTag = new Map(result.candidates.map((candidate) => [candidate.tag, candidate]));
    assert.equal(byTag.get('1')?.pushed, 1000);
    assert.equal(byTag.get('2')?.digest, 'sha256:feed');
    assert.equal(byTag.get('3')?.created, Date.parse('2024-05-06T07:08:09Z'));
    // Only tag 3 needed the registry: HEAD, manifest, config.
    assert.deepEqual(
      double.apiRequests().map((request) => request.method),
      ['HEAD', 'GET', 'GET'],
    );
    await client.close();
    await double.stop();
  });

  it('fall back to per-tag requests with a warning when they fail', async () => {
    const double = await new RegistryDouble().start();
    storeImage(double.repo('org/app'), image, ['1']);
    const host = new URL(double.origin).host;
    const bulk: BulkMetadataSource = {
      handles: () => true,
      metadata: () => Promise.reject(new Error('DescribeImages throttled')),
    };
    const { client, logs } = await testClient({
      settings: { hosts: { [host]: { insecure: true } } },
      bulkSources: [bulk],
    });
    const result = await client.metadata(parseImageRef(`${host}/org/app`), ['1'], {
      accepts: () => true,
      budget: 100,
    });
    assert.equal(result.candidates[0]?.created, Date.parse('2024-05-06T07:08:09Z'));
    assert.ok(
      logs.some(
        (line) =>
          line.includes('bulk metadata source failed') && line.includes('DescribeImages throttled'),
      ),
    );
    await client.close();
    await double.stop();
  });
});
