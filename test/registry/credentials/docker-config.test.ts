import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CredentialError,
  parseDockerConfig,
  registryHostOf,
} from '../../../src/registry/credentials/index.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('registryHostOf', () => {
  const table: [string, string][] = [
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['Registry.Example.COM', 'registry.example.com'],
    ['https://ghcr.io', 'ghcr.io'],
    ['  quay.io  ', 'quay.io'],
  ];
  for (const [key, host] of table) {
    it(`${key} → ${host}`, () => {
      assert.equal(registryHostOf(key), host);
    });
  }
});

describe('parseDockerConfig', () => {
  const file = '/secrets/.dockerconfigjson';

  it('decodes base64 auth, plain fields, identity tokens and registry tokens', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub-pass:with-colon') },
          'registry.example.com': { username: 'alice', password: 'alice-pass' },
          'http://localhost:5000/v2/': { auth: b64('bob:'), identitytoken: 'refresh-token-value' },
          'tokens.example.com': { registrytoken: 'bearer-token-value' },
          'empty.example.com': {},
        },
      }),
      file,
    );
    const expectations: [string, unknown][] = [
      [
        'docker.io',
        {
          kind: 'credentials',
          credentials: { kind: 'basic', username: 'hubuser', password: 'hub-pass:with-colon' },
        },
      ],
      [
        'registry-1.docker.io',
        {
          kind: 'credentials',
          credentials: { kind: 'basic', username: 'hubuser', password: 'hub-pass:with-colon' },
        },
      ],
      [
        'REGISTRY.example.com',
        {
          kind: 'credentials',
          credentials: { kind: 'basic', username: 'alice', password: 'alice-pass' },
        },
      ],
      [
        'localhost:5000',
        {
          kind: 'credentials',
          credentials: { kind: 'identity-token', username: 'bob', token: 'refresh-token-value' },
        },
      ],
      [
        'tokens.example.com',
        { kind: 'credentials', credentials: { kind: 'bearer', token: 'bearer-token-value' } },
      ],
      ['empty.example.com', { kind: 'none' }],
      ['localhost:5001', { kind: 'none' }],
    ];
    for (const [host, answer] of expectations) assert.deepEqual(config.lookup(host), answer, host);
    for (const secret of [
      'hub-pass:with-colon',
      'alice-pass',
      'refresh-token-value',
      'bearer-token-value',
    ]) {
      assert.ok(config.secrets.includes(secret), `${secret} is reported for redaction`);
    }
  });

  it('reads a kubernetes.io/dockerconfigjson payload (auths only, extra keys kept)', () => {
    const config = parseDockerConfig(
      `{"auths":{"eu.gcr.io":{"username":"_json_key","password":"{\\"k\\":1}","email":"x@example.com"}}}`,
      file,
    );
    assert.deepEqual(config.lookup('eu.gcr.io'), {
      kind: 'credentials',
      credentials: { kind: 'basic', username: '_json_key', password: '{"k":1}' },
    });
  });

  it('puts a per-host helper before the default store, and the store before auths', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: { 'a.example.com': { auth: b64('u:p1') }, 'listed.example.com': {} },
        credHelpers: { 'https://a.example.com': 'ahelper', 'b.example.com': 'bhelper' },
        credsStore: 'desktop',
      }),
      file,
    );
    assert.deepEqual(config.lookup('a.example.com'), {
      kind: 'helper',
      helper: 'ahelper',
      fallback: { kind: 'basic', username: 'u', password: 'p1' },
    });
    assert.deepEqual(config.lookup('b.example.com'), { kind: 'helper', helper: 'bhelper' });
    assert.deepEqual(config.lookup('listed.example.com'), {
      kind: 'store',
      helper: 'desktop',
      listed: true,
    });
    assert.deepEqual(config.lookup('other.example.com'), {
      kind: 'store',
      helper: 'desktop',
      listed: false,
    });
  });

  const malformed: [string, string, RegExp][] = [
    [
      'not JSON, secret near the error',
      '{"auths": {"r": {"auth": "c2VjcmV0LXZhbHVl" oops',
      /^\/secrets\/\.dockerconfigjson: not valid JSON/,
    ],
    ['auths is an array', '{"auths": []}', /\.dockerconfigjson: auths: /],
    [
      'auth is a number',
      '{"auths": {"reg.example.com": {"auth": 42}}}',
      /: auths\["reg\.example\.com"\]\["auth"\]: /,
    ],
    [
      'auth is not base64 user:password',
      `{"auths": {"reg.example.com": {"auth": "${b64('no-colon-secret-value')}"}}}`,
      /: auths\["reg\.example\.com"\]\.auth: expected base64 of "username:password"/,
    ],
    [
      'credHelpers value empty',
      '{"credHelpers": {"reg.example.com": ""}}',
      /: credHelpers\["reg\.example\.com"\]: /,
    ],
    ['top level is a string', '"hello"', /\.dockerconfigjson: \(root\): /],
  ];
  for (const [name, text, message] of malformed) {
    it(`refuses a file where ${name}, naming file and key`, () => {
      assert.throws(
        () => parseDockerConfig(text, file),
        (error: unknown) => {
          assert.ok(error instanceof CredentialError);
          assert.equal(error.code, 'REGISTRY_CREDENTIALS_FILE_INVALID');
          assert.match(error.message, message);
          assert.ok(!error.message.includes('c2VjcmV0LXZhbHVl'), 'no secret text in the message');
          assert.ok(!error.message.includes('no-colon-secret-value'));
          return true;
        },
      );
    });
  }
});
