/** Table tests for the registry layer's pure helpers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseChallenges } from '../../src/registry/auth/challenge.js';
import { realmMayReceiveCredentials } from '../../src/registry/auth/realm-policy.js';
import { tokenRenewAt, TOKEN_SLACK_MS } from '../../src/registry/auth/token-cache.js';
import { backoffCeiling, backoffDelay } from '../../src/registry/backoff.js';
import { endpointsFor, v2Url } from '../../src/registry/endpoints.js';
import { nextLink } from '../../src/registry/http/link.js';
import { proxyFor } from '../../src/registry/http/no-proxy.js';
import { parseQuotaHeader, parseRetryAfter } from '../../src/registry/http/rate-headers.js';
import { followRedirect } from '../../src/registry/http/redirect.js';
import { isRateLimitBody, statusError } from '../../src/registry/http/status.js';
import { chooseEntry, platformMatches } from '../../src/registry/platform.js';
import { mergeTimes } from '../../src/registry/metadata.js';
import { aboutPageSize, sameTags } from '../../src/registry/tags.js';

describe('WWW-Authenticate (RFC 7235)', () => {
  const cases: [string, string, ReturnType<typeof parseChallenges>][] = [
    ['basic', 'Basic realm="test-realm"', [{ scheme: 'basic', params: { realm: 'test-realm' } }]],
    [
      'bearer with a comma inside the scope',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:push,pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:a/b:push,pull',
            error: 'insufficient_scope',
          },
        },
      ],
    ],
    [
      'escaped quote and spaces around =',
      'Bearer realm = "a\\"b" , service=svc',
      [{ scheme: 'bearer', params: { realm: 'a"b', service: 'svc' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="r1", Bearer realm="https://x/token",scope="repository:h:5000/a:pull"',
      [
        { scheme: 'basic', params: { realm: 'r1' } },
        {
          scheme: 'bearer',
          params: { realm: 'https://x/token', scope: 'repository:h:5000/a:pull' },
        },
      ],
    ],
    [
      'token68',
      'Negotiate abc123==, Basic realm=x',
      [
        { scheme: 'negotiate', params: {}, token68: 'abc123==' },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['scheme only', 'Bearer', [{ scheme: 'bearer', params: {} }]],
    ['empty', '', []],
    [
      'unterminated quote keeps what parsed',
      'Bearer realm="x",service="oops',
      [{ scheme: 'bearer', params: { realm: 'x' } }],
    ],
  ];
  for (const [name, header, expected] of cases)
    it(name, () => {
      assert.deepEqual(parseChallenges(header), expected);
    });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (text) => Array.isArray(parseChallenges(text))));
  });
});

describe('Link rel="next" (RFC 8288)', () => {
  const base = 'https://r.example/v2/a/tags/list?n=1000';
  const cases: [string, string | undefined, string | undefined][] = [
    [
      'relative',
      '</v2/a/tags/list?n=100&last=b%2Fc>; rel="next"',
      'https://r.example/v2/a/tags/list?n=100&last=b%2Fc',
    ],
    [
      'absolute opaque cursor',
      '<https://r.example/v2/a/tags/list?next_page=gAAAA%3D%3D>; rel=next',
      'https://r.example/v2/a/tags/list?next_page=gAAAA%3D%3D',
    ],
    [
      'several links, next second',
      '</prev>; rel="prev", </next?x=1,2>; rel="next"',
      'https://r.example/next?x=1,2',
    ],
    ['multiple rel values', '</n>; rel="last next"', 'https://r.example/n'],
    ['no next', '</p>; rel="prev"', undefined],
    ['absent', undefined, undefined],
  ];
  for (const [name, header, expected] of cases)
    it(name, () => {
      assert.equal(nextLink(header, base)?.href, expected);
    });
});

describe('Retry-After and Docker Hub quota headers', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
  it('reads <count>;w=<seconds>', () => {
    assert.deepEqual(parseQuotaHeader('76;w=21600'), { count: 76, windowSeconds: 21600 });
    assert.deepEqual(parseQuotaHeader('100'), { count: 100, windowSeconds: undefined });
    assert.equal(parseQuotaHeader('lots'), undefined);
  });
});

describe('status → typed error', () => {
  const context = { registry: 'r.example', repository: 'a/b' };
  it('classifies statuses and bodies', () => {
    assert.equal(
      statusError(context, 429, Buffer.from('Too Many Requests (HAP429).'), 'repository', 5000)
        .code,
      'REGISTRY_RATE_LIMITED',
    );
    assert.equal(
      statusError(
        context,
        403,
        Buffer.from('{"errors":[{"code":"TOOMANYREQUESTS","message":"Rate exceeded"}]}'),
        'x',
        undefined,
      ).code,
      'REGISTRY_RATE_LIMITED',
    );
    assert.equal(
      statusError(context, 401, Buffer.alloc(0), 'x', undefined).code,
      'REGISTRY_AUTH_REFUSED',
    );
    assert.equal(
      statusError(context, 404, Buffer.alloc(0), 'tag "1"', undefined).code,
      'REGISTRY_NOT_FOUND',
    );
    const unavailable = statusError(context, 502, Buffer.alloc(0), 'x', undefined);
    assert.equal(unavailable.code, 'REGISTRY_UNAVAILABLE');
    assert.equal(unavailable.transient, true);
    const bad = statusError(
      context,
      400,
      Buffer.from('{"errors":[{"code":"NAME_INVALID","message":"invalid repository name"}]}'),
      'x',
      undefined,
    );
    assert.equal(bad.transient, false);
    assert.match(bad.message, /r\.example\/a\/b.*HTTP 400.*NAME_INVALID: invalid repository name/);
    assert.equal(isRateLimitBody(Buffer.from('{"errors":[]}')), false);
  });
});

describe('400 about the page size', () => {
  const context = { registry: 'r.example', repository: 'page/n' };
  const message = (body: string): string =>
    statusError(context, 400, Buffer.from(body), 'repository', undefined).message;
  it('recognises distribution 3.1, ECR and bodiless 400s, not other errors', () => {
    assert.equal(
      aboutPageSize(
        message(
          '{"errors":[{"code":"PAGINATION_NUMBER_INVALID","message":"invalid number of results requested"}]}',
        ),
      ),
      true,
    );
    assert.equal(
      aboutPageSize(
        message(
          `{"errors":[{"code":"UNSUPPORTED","message":"1 validation error detected: Value '2000' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"}]}`,
        ),
      ),
      true,
    );
    assert.equal(aboutPageSize(message('Bad Request')), true);
    assert.equal(
      aboutPageSize(
        message('{"errors":[{"code":"NAME_INVALID","message":"invalid repository name"}]}'),
      ),
      false,
    );
  });
});

describe('redirect policy', () => {
  const headers = { Authorization: 'Bearer t', Accept: 'x' };
  it('keeps credentials on the same origin', () => {
    const next = followRedirect(
      new URL('https://r.example/v2/a'),
      307,
      '/v2/b',
      'GET',
      headers,
      undefined,
    );
    assert.ok(next.ok);
    assert.equal(next.headers.Authorization, 'Bearer t');
  });
  for (const [name, location] of [
    ['another host', 'https://s3.example/blob?sig=1'],
    ['another port', 'https://r.example:8443/v2/b'],
    ['same host, other name', 'https://R.example.org/v2/b'],
  ] as const) {
    it(`drops credentials for ${name}`, () => {
      const next = followRedirect(
        new URL('https://r.example/v2/a'),
        302,
        location,
        'GET',
        headers,
        undefined,
      );
      assert.ok(next.ok);
      assert.equal(next.headers.Authorization, undefined);
      assert.equal(next.headers.Accept, 'x');
    });
  }
  it('refuses https → http and odd schemes', () => {
    assert.equal(
      followRedirect(
        new URL('https://r.example/'),
        307,
        'http://r.example/',
        'GET',
        headers,
        undefined,
      ).ok,
      false,
    );
    assert.equal(
      followRedirect(
        new URL('https://r.example/'),
        307,
        'file:///etc/passwd',
        'GET',
        headers,
        undefined,
      ).ok,
      false,
    );
    assert.equal(
      followRedirect(new URL('https://r.example/'), 307, undefined, 'GET', headers, undefined).ok,
      false,
    );
  });
  it('turns a 303 into GET', () => {
    const next = followRedirect(
      new URL('https://r.example/token'),
      303,
      '/t',
      'POST',
      headers,
      'a=b',
    );
    assert.ok(next.ok);
    assert.equal(next.method, 'GET');
    assert.equal(next.body, undefined);
  });
  it('never re-sends a request body (a refresh token, a password) to another host', () => {
    const body = 'grant_type=refresh_token&refresh_token=s3cret';
    for (const status of [307, 308]) {
      const next = followRedirect(
        new URL('https://auth.example/token'),
        status,
        'https://evil.example/token',
        'POST',
        headers,
        body,
      );
      assert.ok(!next.ok);
      assert.match(
        next.reason,
        /refused to re-send a request body to another host \(evil\.example\)/,
      );
    }
    const sameHost = followRedirect(
      new URL('https://auth.example/token'),
      307,
      '/v2/token',
      'POST',
      headers,
      body,
    );
    assert.ok(sameHost.ok);
    assert.equal(sameHost.body, body);
  });
});

describe('NO_PROXY', () => {
  const settings = {
    httpsProxy: 'http://proxy:3128',
    noProxy: 'localhost,.internal.example, 10.0.0.1:5000,[::1]',
  };
  const cases: [string, string | undefined][] = [
    ['https://registry-1.docker.io/v2/', 'http://proxy:3128'],
    ['https://localhost/v2/', undefined],
    ['https://a.internal.example/v2/', undefined],
    ['https://internal.example/v2/', undefined],
    ['https://notinternal.example/v2/', 'http://proxy:3128'],
    ['https://10.0.0.1:5000/v2/', undefined],
    ['https://10.0.0.1:5001/v2/', 'http://proxy:3128'],
    ['https://[::1]:443/v2/', undefined],
    ['http://plain.example/v2/', undefined],
  ];
  for (const [url, expected] of cases)
    it(url, () => {
      assert.equal(proxyFor(new URL(url), settings), expected);
    });
  it('"*" bypasses everything', () => {
    assert.equal(
      proxyFor(new URL('https://x.example'), { httpsProxy: 'http://p', noProxy: '*' }),
      undefined,
    );
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap', () => {
    const options = { baseMs: 100, capMs: 1000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 60].map((attempt) => backoffCeiling(attempt, options)),
      [100, 200, 400, 800, 1000, 1000],
    );
    assert.throws(() => backoffCeiling(0, options), RangeError);
  });
  it('jitters between the floor and the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, random) => {
          const delay = backoffDelay(attempt, () => random, {
            baseMs: 250,
            capMs: 10_000,
            floorMs: 50,
          });
          return delay >= 50 && delay <= backoffCeiling(attempt, { baseMs: 250, capMs: 10_000 });
        },
      ),
    );
  });
});

describe('token lifetime', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('defaults expires_in to 60 s and renews before expiry', () => {
    assert.equal(tokenRenewAt(now, undefined, undefined), now + 60_000 - TOKEN_SLACK_MS);
    assert.equal(
      tokenRenewAt(now, 300, '2025-12-31T23:59:00Z'),
      now - 60_000 + 300_000 - TOKEN_SLACK_MS,
    );
    // A future issued_at (clock skew) never extends the token.
    assert.equal(tokenRenewAt(now, 300, '2026-01-01T01:00:00Z'), now + 300_000 - TOKEN_SLACK_MS);
  });
});

describe('realm policy', () => {
  const check = {
    endpointHost: 'registry-1.docker.io',
    endpointProtocol: 'https:',
    credentialHost: 'docker.io',
  };
  const cases: [string, string, Parameters<typeof realmMayReceiveCredentials>[1], boolean][] = [
    ['Docker Hub pair', 'https://auth.docker.io/token', check, true],
    ['foreign realm', 'https://evil.example/token', check, false],
    [
      'own host',
      'https://r.example/token',
      { ...check, endpointHost: 'r.example', credentialHost: 'r.example' },
      true,
    ],
    [
      'own host over http from https',
      'http://r.example/token',
      { ...check, endpointHost: 'r.example', credentialHost: 'r.example' },
      false,
    ],
    [
      'configured pair',
      'https://auth.example/t',
      {
        endpointHost: 'r.example',
        endpointProtocol: 'https:',
        credentialHost: 'r.example',
        configuredPairs: { 'r.example': ['auth.example'] },
      },
      true,
    ],
  ];
  for (const [name, realm, input, expected] of cases)
    it(name, () => {
      assert.equal(realmMayReceiveCredentials(new URL(realm), input), expected);
    });
});

describe('endpoints and platforms', () => {
  it('maps Docker Hub, insecure hosts and mirrors', () => {
    assert.deepEqual(
      endpointsFor('docker.io', {}).map((e) => e.endpoint.href),
      ['https://registry-1.docker.io/'],
    );
    assert.deepEqual(
      endpointsFor('127.0.0.1:5000', { hosts: { '127.0.0.1:5000': { insecure: true } } }).map(
        (e) => e.endpoint.href,
      ),
      ['http://127.0.0.1:5000/'],
    );
    const withMirror = endpointsFor('docker.io', {
      mirrors: { 'docker.io': ['http://mirror.local:5000/'] },
    });
    assert.deepEqual(
      withMirror.map((e) => [e.endpoint.href, e.credentialHost, e.mirror]),
      [
        ['http://mirror.local:5000/', 'mirror.local:5000', true],
        ['https://registry-1.docker.io/', 'docker.io', false],
      ],
    );
    assert.equal(
      v2Url(new URL('https://r.example'), 'a/b', 'tags/list').href,
      'https://r.example/v2/a/b/tags/list',
    );
  });
  it('chooses index entries by platform', () => {
    const platforms = {
      'linux/amd64': 'sha256:a',
      'linux/arm64/v8': 'sha256:b',
      'linux/arm/v7': 'sha256:c',
    };
    assert.equal(chooseEntry(platforms, 'linux/amd64'), 'sha256:a');
    assert.equal(chooseEntry(platforms, 'linux/arm64'), 'sha256:b');
    assert.equal(chooseEntry(platforms, 'linux/arm/v6'), undefined);
    assert.equal(chooseEntry(platforms, 'windows/amd64'), undefined);
    assert.equal(platformMatches('linux/arm64/v8', 'linux/arm64'), false);
  });
});

describe('sameTags (is the tag list the cached one?)', () => {
  const table: [string[], string[], boolean][] = [
    [['a', 'b'], ['b', 'a'], true],
    [[], [], true],
    [['a', 'b'], ['a', 'b', 'c'], false],
    [['a', 'b'], ['a', 'c'], false],
    [['a', 'a'], ['a', 'b'], false],
  ];
  for (const [a, b, expected] of table) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${String(expected)}`, () => {
      assert.equal(sameTags(a, b), expected);
    });
  }
});

describe('mergeTimes (tag list times over bulk answers, field by field)', () => {
  it('keeps the first source per field and fills gaps from the second', () => {
    const merged = mergeTimes(
      new Map([
        ['a', { digest: 'sha256:1', pushed: 10 }],
        ['b', { digest: 'sha256:2' }],
      ]),
      new Map([
        ['a', { pushed: 99 }],
        ['b', { digest: 'sha256:9', pushed: 20 }],
        ['c', { pushed: 30 }],
      ]),
    );
    assert.deepEqual(Object.fromEntries(merged), {
      a: { digest: 'sha256:1', pushed: 10 },
      b: { digest: 'sha256:2', pushed: 20 },
      c: { pushed: 30 },
    });
  });
});
