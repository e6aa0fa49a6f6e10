/**
 * The transport's limits against raw loopback servers: a deadline on every request, a body-size
 * limit, a redirect loop cap, and the OAuth2 refresh-token grant for identity tokens
 * (distribution spec/auth/oauth.md) — with nothing secret in the resulting errors.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../src/image/index.js';
import {
  RegistryProtocolError,
  RegistryRedirectError,
  RegistryUnavailableError,
  type CredentialProvider,
} from '../../src/registry/index.js';
import { testClient } from '../support/registry/client.js';

async function serve(
  handler: (request: IncomingMessage, body: string, response: ServerResponse) => void,
): Promise<{ server: Server; host: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server,
    host: `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`,
  };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

const noSleep = (): Promise<void> => Promise.resolve();

describe('transport limits', () => {
  it('times out a registry that never answers, as a transient error, after retries', async () => {
    let hits = 0;
    const { server, host } = await serve(() => {
      hits += 1; // never respond
    });
    const { client } = await testClient({
      settings: { hosts: { [host]: { insecure: true } }, requestTimeout: 150 },
      sleep: noSleep,
    });
    await assert.rejects(client.listTags(parseImageRef(`${host}/a/b`)), (error: unknown) => {
      assert.ok(error instanceof RegistryUnavailableError);
      assert.equal(error.transient, true);
      assert.match(error.message, /timed out/);
      return true;
    });
    assert.equal(hits, 4);
    await client.close();
    await close(server);
  });

  it('refuses a response larger than the limit', async () => {
    const { server, host } = await serve((_request, _body, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({ name: 'a/b', tags: Array.from({ length: 20_000 }, (_, i) => `tag-${i}`) }),
      );
    });
    const { client } = await testClient({
      settings: { hosts: { [host]: { insecure: true } }, maxResponseBytes: 64 * 1024 },
    });
    await assert.rejects(
      client.listTags(parseImageRef(`${host}/a/b`)),
      (error: unknown) =>
        error instanceof RegistryProtocolError && /larger than/.test(error.message),
    );
    await client.close();
    await close(server);
  });

  it('stops a redirect loop', async () => {
    let hits = 0;
    const { server, host } = await serve((request, _body, response) => {
      hits += 1;
      response.writeHead(302, { Location: request.url ?? '/' });
      response.end();
    });
    const { client } = await testClient({ settings: { hosts: { [host]: { insecure: true } } } });
    await assert.rejects(client.listTags(parseImageRef(`${host}/a/b`)), RegistryRedirectError);
    assert.equal(hits, 6);
    await client.close();
    await close(server);
  });
});

describe('identity tokens', () => {
  it('exchanges an identity token with an OAuth2 refresh-token POST to the realm, not as a header', async () => {
    const seen: { method: string; body: string; authorization: string | undefined }[] = [];
    const { server, host } = await serve((request, body, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/oauth/token') {
        seen.push({
          method: request.method ?? '',
          body,
          authorization: request.headers.authorization,
        });
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ access_token: 'registry-access-token-1', expires_in: 120 }));
        return;
      }
      if (request.headers.authorization !== 'Bearer registry-access-token-1') {
        response.writeHead(401, {
          'WWW-Authenticate': `Bearer realm="http://${host}/oauth/token",service="svc",scope="repository:a/b:pull"`,
        });
        response.end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ name: 'a/b', tags: ['1'] }));
    });
    const credentials: CredentialProvider = {
      credentialsFor: () =>
        Promise.resolve({
          kind: 'identity-token',
          username: '<token>',
          token: 'refresh-secret-xyz',
        }),
    };
    const { client, logs } = await testClient({
      settings: { hosts: { [host]: { insecure: true } } },
      credentials,
    });
    assert.deepEqual(await client.listTags(parseImageRef(`${host}/a/b`)), ['1']);
    assert.equal(seen.length, 1);
    const [grant] = seen;
    assert.ok(grant !== undefined);
    assert.equal(grant.method, 'POST');
    assert.equal(grant.authorization, undefined);
    const form = new URLSearchParams(grant.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'refresh-secret-xyz');
    assert.equal(form.get('service'), 'svc');
    assert.equal(form.get('scope'), 'repository:a/b:pull');
    assert.ok(!logs.join('').includes('refresh-secret-xyz'));
    await client.close();
    await close(server);
  });

  it('asks again with the scopes an insufficient_scope challenge names', async () => {
    const tokenScopes: string[][] = [];
    const { server, host } = await serve((request, _body, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const scopes = url.searchParams.getAll('scope');
        tokenScopes.push(scopes);
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ token: `tok:${scopes.sort().join('+')}` }));
        return;
      }
      const challenge = (extra: string): string =>
        `Bearer realm="http://${host}/token",service="svc",scope="${extra}"`;
      const auth = request.headers.authorization;
      if (auth === undefined) {
        response.writeHead(401, { 'WWW-Authenticate': challenge('repository:a/b:pull') });
      } else if (auth !== 'Bearer tok:repository:a/b:pull+repository:base/img:pull') {
        response.writeHead(401, {
          'WWW-Authenticate': `${challenge('repository:a/b:pull repository:base/img:pull')},error="insufficient_scope"`,
        });
      } else {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ name: 'a/b', tags: ['ok'] }));
        return;
      }
      response.end();
    });
    const { client } = await testClient({ settings: { hosts: { [host]: { insecure: true } } } });
    assert.deepEqual(await client.listTags(parseImageRef(`${host}/a/b`)), ['ok']);
    assert.deepEqual(tokenScopes, [
      ['repository:a/b:pull'],
      ['repository:a/b:pull', 'repository:base/img:pull'],
    ]);
    // The widened token is remembered for the repository: no new dance.
    assert.deepEqual(await client.listTags(parseImageRef(`${host}/a/b`)), ['ok']);
    assert.equal(tokenScopes.length, 2);
    await client.close();
    await close(server);
  });
});
