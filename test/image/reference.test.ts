import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canonicalName,
  canonicalRef,
  formatImageRef,
  ImageRefError,
  parseImageRef,
  sameRepository,
  tryParseImageRef,
  withVersion,
} from '../../src/image/index.js';

const SHA = `sha256:${'f'.repeat(64)}`;

describe('parseImageRef: Flux v1 normalisation cases (flux pkg/image TestParseRef)', () => {
  // input, canonical registry, canonical repository, canonical reference
  const cases: [string, string, string, string][] = [
    ['alpine', 'docker.io', 'library/alpine', 'docker.io/library/alpine'],
    ['library/alpine', 'docker.io', 'library/alpine', 'docker.io/library/alpine'],
    ['alpine:mytag', 'docker.io', 'library/alpine', 'docker.io/library/alpine:mytag'],
    ['docker.io/library/alpine', 'docker.io', 'library/alpine', 'docker.io/library/alpine'],
    ['localhost/hello:v1.1', 'localhost', 'hello', 'localhost/hello:v1.1'],
    ['localhost:5000/hello:v1.1', 'localhost:5000', 'hello', 'localhost:5000/hello:v1.1'],
    ['example.com/hello:v1.1', 'example.com', 'hello', 'example.com/hello:v1.1'],
    ['quay.io/library/alpine', 'quay.io', 'library/alpine', 'quay.io/library/alpine'],
    ['quay.io/library/alpine:latest', 'quay.io', 'library/alpine', 'quay.io/library/alpine:latest'],
    ['quay.io/library/alpine:mytag', 'quay.io', 'library/alpine', 'quay.io/library/alpine:mytag'],
    [
      'localhost:5000/path/to/repo/alpine:mytag',
      'localhost:5000',
      'path/to/repo/alpine',
      'localhost:5000/path/to/repo/alpine:mytag',
    ],
  ];
  for (const [input, registry, repository, canonical] of cases) {
    it(`${input} → ${canonical}, and writes back as itself`, () => {
      const ref = parseImageRef(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(canonicalRef(ref), canonical);
      assert.equal(formatImageRef(ref), input);
    });
  }

  for (const input of ['', ':tag', '/leading/slash', 'trailing/slash/']) {
    it(`rejects ${JSON.stringify(input)} (flux TestParseRefErrorCases)`, () => {
      assert.throws(() => parseImageRef(input), ImageRefError);
    });
  }
});

describe('parseImageRef: distribution/reference ParseNormalizedNamed cases', () => {
  const normalised: [string, string][] = [
    ['docker/docker', 'docker.io/docker/docker'],
    ['library/debian', 'docker.io/library/debian'],
    ['debian', 'docker.io/library/debian'],
    ['localhost/library/debian', 'localhost/library/debian'],
    ['localhost/debian', 'localhost/debian'],
    ['LOCALDOMAIN/library/debian', 'localdomain/library/debian'],
    ['docker.io/docker/docker', 'docker.io/docker/docker'],
    ['docker.io/debian', 'docker.io/library/debian'],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker'],
    ['index.docker.io/debian', 'docker.io/library/debian'],
    ['registry-1.docker.io/debian', 'docker.io/library/debian'],
    ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000/docker/docker'],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000/debian'],
    ['192.168.0.1', 'docker.io/library/192.168.0.1'],
    ['192.168.0.1:80', 'docker.io/library/192.168.0.1:80'],
    ['192.168.0.1:8/debian', '192.168.0.1:8/debian'],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000/docker'],
    ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000/library/debian'],
    [`docker.io/${'1a3f'.repeat(16)}`, `docker.io/library/${'1a3f'.repeat(16)}`],
    ['Docker/docker', 'docker/docker'],
    ['docker-rules/docker', 'docker.io/docker-rules/docker'],
    ['docker---rules/docker', 'docker.io/docker---rules/docker'],
    ['dock__er/docker', 'docker.io/dock__er/docker'],
    ['d/docker', 'docker.io/d/docker'],
    [
      'b.gcr.io/test.example.com/my-app:test.example.com',
      'b.gcr.io/test.example.com/my-app:test.example.com',
    ],
    [
      `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`,
      `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`,
    ],
    ['lowercase:Uppercase', 'docker.io/library/lowercase:Uppercase'],
    [`[2001:db8::1]:5000/repo:tag@${SHA}`, `[2001:db8::1]:5000/repo:tag@${SHA}`],
  ];
  for (const [input, canonical] of normalised) {
    it(`${input} → ${canonical}`, () => {
      const ref = parseImageRef(input);
      assert.equal(canonicalRef(ref), canonical);
      assert.equal(
        formatImageRef(ref),
        input,
        'every accepted input round-trips to its own spelling',
      );
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /empty reference/],
    [':justtag', /only a tag/],
    [`@${SHA}`, /missing repository name/],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', /64 hex characters, got 34/],
    [`validname@invaliddigest:${'f'.repeat(64)}`, /unsupported digest algorithm "invaliddigest"/],
    [`repo@sha256:${'F'.repeat(64)}`, /lower-case hexadecimal/],
    ['repo@notadigest', /algorithm:hex/],
    ['Uppercase:tag', /must be lower-case/],
    ['test:5000/Uppercase/lowercase:tag', /must be lower-case/],
    ['docker/Docker', /must be lower-case/],
    ['docker.io/docker/Docker', /must be lower-case/],
    [`domain/${'a'.repeat(256)}:tag`, /longer than 255/],
    ['aa/asdf$$^/aa', /path component "asdf\$\$\^"/],
    ['https://github.com/docker/docker', /URL scheme/],
    ['-docker', /path component/],
    ['-docker.io/docker/docker', /not a valid host/],
    ['docker///docker', /"\/\/"/],
    ['fc00::1:5000/debian', /not a valid host/],
    ['[fe80::1%eth0]:5000/debian', /not a valid host/],
    ['1a3f'.repeat(16), /image id/],
    ['docker-/docker', /path component/],
    ['____/____', /path component/],
    ['dock..er/docker', /registry "dock..er" is not a valid host/],
    ['dock..er/docker', /registry "dock..er" is not a valid host/],
    ['docker/', /trailing "\/"/],
    ['/docker', /leading "\/"/],
    ['repo:', /empty tag/],
    [`repo:${'a'.repeat(129)}`, /longer than 128 characters \(129\)/],
    ['repo:-tag', /must start with a letter, digit or "_"/],
    ['repo:.tag', /must start with/],
    ['repo:ta+g', /contain only letters/],
    [' nginx', /white space/],
  ];
  for (const [input, message] of invalid) {
    it(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)} naming the problem`, () => {
      assert.throws(
        () => parseImageRef(input),
        (error: unknown) =>
          error instanceof ImageRefError &&
          error.code === 'IMAGE_REF_INVALID' &&
          message.test(error.message),
      );
    });
  }

  it('accepts a tag of exactly 128 characters', () => {
    assert.equal(parseImageRef(`repo:${'a'.repeat(128)}`).tag?.length, 128);
  });
});

describe('spellings and helpers', () => {
  it('keeps the written spelling when the version changes', () => {
    assert.equal(formatImageRef(withVersion(parseImageRef('nginx:1.25'), '1.27')), 'nginx:1.27');
    assert.equal(
      formatImageRef(withVersion(parseImageRef('index.docker.io/nginx:1.25'), '1.27')),
      'index.docker.io/nginx:1.27',
    );
    const pinned = withVersion(
      parseImageRef(`ghcr.io/acme/api:1.4@${SHA}`),
      '1.5',
      `sha256:${'a'.repeat(64)}`,
    );
    assert.equal(formatImageRef(pinned), `ghcr.io/acme/api:1.5@sha256:${'a'.repeat(64)}`);
    assert.equal(formatImageRef(withVersion(parseImageRef(`api:1.4@${SHA}`), '1.5')), 'api:1.5');
  });

  it('validates the new version', () => {
    assert.throws(() => withVersion(parseImageRef('nginx:1.25'), 'bad tag'), ImageRefError);
  });

  it('treats Docker Hub aliases as one repository', () => {
    assert.ok(sameRepository(parseImageRef('nginx'), parseImageRef('docker.io/library/nginx:1')));
    assert.ok(
      sameRepository(
        parseImageRef('index.docker.io/library/nginx'),
        parseImageRef('registry-1.docker.io/nginx'),
      ),
    );
    assert.ok(!sameRepository(parseImageRef('nginx'), parseImageRef('quay.io/nginx')));
    assert.equal(
      canonicalName(parseImageRef('Registry.Example.com:5000/a/b:1')),
      'registry.example.com:5000/a/b',
    );
  });

  it('tryParseImageRef returns the error instead of throwing', () => {
    const result = tryParseImageRef('Bad');
    assert.ok(!result.ok, 'an invalid reference is not ok');
    assert.match(result.error.message, /must be lower-case/);
    assert.ok(tryParseImageRef('good:1').ok);
  });
});

describe('property: every valid reference round-trips to its own spelling', () => {
  const alnum = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const separator = fc.constantFrom('.', '_', '__', '-', '--');
  const component = fc
    .tuple(alnum, fc.option(fc.tuple(separator, alnum), { nil: undefined }))
    .map(([head, tail]) => (tail === undefined ? head : `${head}${tail[0]}${tail[1]}`));
  const path = fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
  const host = fc.constantFrom(
    'ghcr.io',
    'localhost',
    'localhost:5000',
    'registry.example.com:443',
    '127.0.0.1:5000',
    'docker.io',
    'index.docker.io',
    '[::1]:5000',
    'Quay.IO',
  );
  const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/);
  const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);
  const reference = fc
    .tuple(
      fc.option(host, { nil: undefined }),
      path,
      fc.option(tag, { nil: undefined }),
      fc.option(digest, { nil: undefined }),
    )
    .filter(([registry, p]) => registry !== undefined || !/^[a-f0-9]{64}$/.test(p))
    .map(
      ([registry, p, t, d]) =>
        `${registry === undefined ? '' : `${registry}/`}${p}${t === undefined ? '' : `:${t}`}${d === undefined ? '' : `@${d}`}`,
    );

  it('parses and formats back to the input, with a canonical form that parses to the same repository', () => {
    fc.assert(
      fc.property(reference, (input) => {
        const ref = parseImageRef(input);
        assert.equal(formatImageRef(ref), input);
        const again = parseImageRef(canonicalRef(ref));
        assert.equal(canonicalRef(again), canonicalRef(ref), 'canonical form is a fixed point');
        assert.ok(sameRepository(ref, again));
      }),
      { numRuns: 2000 },
    );
  });
});
