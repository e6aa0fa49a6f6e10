/**
 * Against Debian's real docker-registry in htpasswd (Basic) and token mode (with the token
 * server in test/support/registry): the auth dance, request counts from the access log, and the
 * security rules — credentials only to the registry or a paired realm, never in logs or errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageRef } from '../../src/image/index.js';
import { RegistryAuthError, type CredentialProvider } from '../../src/registry/index.js';
import { makeImage, Pusher } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { startTokenServer, type TokenServer } from '../support/registry/token-server.js';
import { testClient } from '../support/registry/client.js';

const USER = 'tester';
const PASSWORD = 's3cret-Pa55word';
const image = makeImage('2024-05-06T07:08:09Z');

function credentials(password = PASSWORD): CredentialProvider {
  return {
    credentialsFor: (host) =>
      Promise.resolve(
        host.startsWith('127.0.0.1') ? { kind: 'basic', username: USER, password } : undefined,
      ),
  };
}
const basic = (password = PASSWORD): string =>
  `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`;

function assertNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets)
    assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 200)}`);
}

describe('real registry, htpasswd Basic auth', () => {
  let registry: RealRegistry;
  const settings = (): { hosts: Record<string, { insecure: boolean }> } => ({
    hosts: { [registry.host]: { insecure: true } },
  });

  before(async () => {
    registry = await startRealRegistry({ kind: 'htpasswd', user: USER, password: PASSWORD });
    const pusher = new Pusher(registry.url, () => Promise.resolve(basic()));
    for (const repo of ['team/one', 'team/two'])
      await pusher.pushImage(repo, image, ['1.0.0', '1.1.0']);
  });
  after(async () => registry.stop());

  it('answers the Basic challenge once, then sends credentials up front', async () => {
    const { client, logs } = await testClient({ settings: settings(), credentials: credentials() });
    const mark = (await registry.clientRequests()).length;
    assert.deepEqual(
      new Set(await client.listTags(parseImageRef(`${registry.host}/team/one`))),
      new Set(['1.0.0', '1.1.0']),
    );
    assert.deepEqual(
      new Set(await client.listTags(parseImageRef(`${registry.host}/team/two`))),
      new Set(['1.0.0', '1.1.0']),
    );
    const lines = (await registry.clientRequests()).slice(mark);
    assert.deepEqual(
      lines.map((line) => `${line.path} ${line.status}`),
      [
        '/v2/team/one/tags/list?n=1000 401',
        '/v2/team/one/tags/list?n=1000 200',
        '/v2/team/two/tags/list?n=1000 200',
      ],
    );
    assertNoSecrets(logs.join(''), [PASSWORD, basic()]);
    await client.close();
  });

  it('reports refused credentials as a permanent auth error that names the registry and never the password', async () => {
    const wrong = 'wrong-Pa55word';
    const { client, logs } = await testClient({
      settings: settings(),
      credentials: credentials(wrong),
    });
    await assert.rejects(
      client.listTags(parseImageRef(`${registry.host}/team/one`)),
      (error: unknown) => {
        assert.ok(error instanceof RegistryAuthError);
        assert.equal(error.transient, false);
        assert.equal(error.code, 'REGISTRY_AUTH_REFUSED');
        assert.match(error.message, new RegExp(`${registry.host}/team/one.*HTTP 401.*refused`));
        assertNoSecrets(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`, [
          wrong,
          basic(wrong),
        ]);
        return true;
      },
    );
    assertNoSecrets(logs.join(''), [wrong, basic(wrong)]);
    await client.close();
  });

  it('asks the credential provider again after a failed lookup instead of remembering the failure', async () => {
    let calls = 0;
    const flaky: CredentialProvider = {
      credentialsFor: (host) => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error('credential helper timed out'))
          : credentials().credentialsFor(host);
      },
    };
    const { client } = await testClient({ settings: settings(), credentials: flaky });
    const ref = parseImageRef(`${registry.host}/team/one`);
    await assert.rejects(client.listTags(ref), /credential helper timed out/);
    assert.deepEqual(new Set(await client.listTags(ref)), new Set(['1.0.0', '1.1.0']));
    assert.equal(calls, 2);
    await client.close();
  });

  it('says which host lacks credentials when none are configured', async () => {
    const { client } = await testClient({ settings: settings() });
    await assert.rejects(
      client.listTags(parseImageRef(`${registry.host}/team/one`)),
      /none is configured for 127\.0\.0\.1:\d+/,
    );
    await client.close();
  });
});

describe('real registry, token auth (ES256 JWT with x5c)', () => {
  let tokens: TokenServer;
  let registry: RealRegistry;
  const realmHost = (): string => new URL(tokens.realm).host;
  const settings = (paired: boolean): Record<string, unknown> => ({
    hosts: { [registry.host]: { insecure: true } },
    ...(paired ? { tokenRealms: { [registry.host]: [realmHost()] } } : {}),
  });

  before(async () => {
    tokens = await startTokenServer({
      user: USER,
      password: PASSWORD,
      anonymousPull: ['public/app'],
    });
    registry = await startRealRegistry({
      kind: 'token',
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      certPem: tokens.certPem,
    });
    const pusher = new Pusher(registry.url, async (scope) => {
      const url = new URL(tokens.realm);
      url.searchParams.set('service', tokens.service);
      url.searchParams.set('scope', scope);
      const response = await fetch(url, { headers: { Authorization: basic() } });
      return `Bearer ${((await response.json()) as { token: string }).token}`;
    });
    await pusher.pushImage('public/app', image, ['1.0.0', '2.0.0']);
    await pusher.pushImage('private/app', image, ['3.0.0']);
  });
  after(async () => {
    await registry.stop();
    await tokens.stop();
  });

  it('gets an anonymous token for a public repository and reuses it', async () => {
    const { client } = await testClient({ settings: settings(false) });
    const mark = (await registry.clientRequests()).length;
    const tokenMark = tokens.requests.length;
    const ref = parseImageRef(`${registry.host}/public/app`);
    assert.deepEqual(new Set(await client.listTags(ref)), new Set(['1.0.0', '2.0.0']));
    assert.ok(
      (await client.digest(parseImageRef(`${registry.host}/public/app:1.0.0`))).startsWith(
        'sha256:',
      ),
    );
    await client.listTags(ref);
    const lines = (await registry.clientRequests()).slice(mark);
    assert.deepEqual(
      lines.map((line) => line.status),
      [401, 200, 200, 200],
    );
    const seen = tokens.requests.slice(tokenMark);
    assert.equal(seen.length, 1);
    const [first] = seen;
    assert.ok(first !== undefined);
    assert.deepEqual(first.scopes, ['repository:public/app:pull']);
    assert.equal(first.service, tokens.service);
    assert.equal(first.authorization, undefined);
    await client.close();
  });

  it('sends credentials to a realm the user paired with the registry', async () => {
    const { client, logs } = await testClient({
      settings: settings(true),
      credentials: credentials(),
    });
    const tokenMark = tokens.requests.length;
    assert.deepEqual(await client.listTags(parseImageRef(`${registry.host}/private/app`)), [
      '3.0.0',
    ]);
    const seen = tokens.requests.slice(tokenMark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.authorization, basic());
    assertNoSecrets(logs.join(''), [PASSWORD, basic(), ...tokens.issued]);
    await client.close();
  });

  it('never sends credentials to a realm on another host: asks anonymously and warns', async () => {
    const { client, logs } = await testClient({
      settings: settings(false),
      credentials: credentials(),
    });
    const tokenMark = tokens.requests.length;
    await assert.rejects(
      client.listTags(parseImageRef(`${registry.host}/private/app`)),
      (error: unknown) => {
        assert.ok(error instanceof RegistryAuthError);
        assertNoSecrets(error.message, [PASSWORD, basic(), ...tokens.issued]);
        return true;
      },
    );
    const seen = tokens.requests.slice(tokenMark);
    assert.ok(seen.length >= 1);
    assert.ok(
      seen.every((request) => request.authorization === undefined),
      'credentials reached a foreign realm',
    );
    const warnings = logs.filter(
      (line) => line.includes('"level":"warn"') && line.includes('token realm is on another host'),
    );
    assert.equal(warnings.length, 1);
    assertNoSecrets(logs.join(''), [PASSWORD, basic(), ...tokens.issued]);
    await client.close();
  });
});
