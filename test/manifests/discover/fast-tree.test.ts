/**
 * The line scanner (fast-tree.ts) must build exactly the tree js-yaml's events give, or bail
 * out. Checked on hand-picked snippets, on documents the `yaml` package writes in several styles
 * (fast-check), and on the benchmark's generated manifests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { scanDocuments } from '../../../src/manifests/discover/fast-tree.js';
import { parseDocuments, type YDocument } from '../../../src/manifests/discover/tree.js';
import { corpus } from '../../../bench/manifests.js';
import { yaml } from './helpers.js';

/** js-yaml gives an empty document a null scalar; the scanner gives no root. */
function reference(source: string): YDocument[] {
  return parseDocuments(source).map((d) => ({
    root:
      d.root?.t === 'scalar' && d.root.value === '' && d.root.style === 'plain'
        ? undefined
        : d.root,
  }));
}

function assertSame(source: string): 'same' | 'bailed' {
  const fast = scanDocuments(source);
  if (fast === undefined) return 'bailed';
  assert.deepEqual(fast, reference(source), `tree differs for:\n${source}`);
  return 'same';
}

const ACCEPTED: Record<string, string> = {
  'a deployment with comments, quotes and flow maps': yaml(
    '# head',
    'apiVersion: apps/v1 # trailing',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    '  annotations:',
    '    tagpilot.io/automated: "true"',
    "    note: 'it''s fine'",
    '    "quoted.key": v',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: web',
    '        image: ghcr.io/acme/api:1.4.2   # {"tagpilot": "semver:~1.4"}',
    '        resources: {limits: {cpu: "1", memory: 512Mi}, requests: { cpu: 100m }}',
    '        args: [--port, "8080", \'x\', []]',
    '        env:',
    '          - name: A',
    '            value: http://example.com:8080/x#frag',
    '          -   name: B',
    '              value:',
    '      volumes: []',
  ),
  'documents and markers': '---\n...\n---\n# only a comment\n---\na: 1\n...\nb: [1, 2]\n---\n',
  'CRLF and BOM': '\uFEFFa: 1\r\nb:\r\n  - c\r\n  - d: e\r\n',
  'empty values': yaml('a:', 'b:', '  c:', 'd: ""', "e: ''"),
  'non-indented sequences between keys': yaml('a:', '- 1', '- x: y', '  z: w', 'b: 2'),
  'a root sequence': yaml('- a', '- b: c', '  d: e'),
  'plain scalars with colons and dashes': yaml('a: -1', 'b: a:b', 'c: 10:30', 'd: -x-'),
  'a Flux Kustomization with spec.images': yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    '  name: apps',
    '  annotations: {tagpilot.io/automated: "true"}',
    'spec:',
    '  images:',
    '  - name: ghcr.io/acme/api',
    '    newTag: 1.4.2 # {"tagpilot": "semver:~1.4"}',
    '  -   name: nginx',
    '      newName: "registry.example.com/mirror/nginx"',
    "      newTag: '1.25'",
    '  - {name: redis, digest: "sha256:0123"}',
  ),
  'an empty file': '',
  'comments only': '# nothing\n\n   # here\n',
};

const BAILS: Record<string, string> = {
  'a block scalar': yaml('a: |', '  text'),
  'a folded scalar': yaml('a: >-', '  text'),
  'an anchor': yaml('a: &x 1', 'b: *x'),
  'a tag': yaml('a: !!str 1'),
  'a multi-line plain scalar': yaml('a: one', '  two'),
  'a multi-line quoted scalar': yaml('a: "one', '  two"'),
  'a multi-line flow collection': yaml('a: [1,', '  2]'),
  'an escape in a double-quoted scalar': yaml('a: "\\u0041"'),
  'a tab in indentation': 'a:\n\tb: 1\n',
  'a directive': '%YAML 1.2\n---\na: 1\n',
  'a complex key': yaml('? a', ': b'),
  'a nested sequence on one line': yaml('- - a'),
  'a bare dash': yaml('-', '  a: 1'),
  'an indented root': yaml('  a: 1'),
  'bad indentation': yaml('a:', '  b: 1', ' c: 2'),
  'content after ---': yaml('--- a: 1'),
  'a key with space before the colon': yaml('a : 1'),
  'a plain value holding ": "': yaml('a: b: c'),
  'a merge key with an alias': yaml('<<: *base'),
  'old Mac line breaks': 'a: 1\rb: 2\r',
};

describe('fast tree: snippets', () => {
  for (const [name, source] of Object.entries(ACCEPTED))
    it(`accepts ${name} with the same tree as js-yaml`, () => {
      assert.equal(assertSame(source), 'same');
    });
  for (const [name, source] of Object.entries(BAILS))
    it(`bails out on ${name}`, () => {
      assert.equal(scanDocuments(source), undefined);
    });
});

describe('fast tree: generated documents', () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9._/-]{0,8}$/);
  const scalar = fc.oneof(
    fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9 ._:/@-]{0,12}$/),
    fc.string({ maxLength: 8 }),
    fc.integer().map(String),
    fc.constantFrom('true', 'null', '~', '1.10', '0755', 'on', "it's", 'a # b', 'x: y', '-1'),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  const style = fc.record({
    indent: fc.constantFrom(2, 4),
    indentSeq: fc.boolean(),
    collectionStyle: fc.constantFrom('any' as const, 'block' as const, 'flow' as const),
    defaultStringType: fc.constantFrom(
      'PLAIN' as const,
      'QUOTE_SINGLE' as const,
      'QUOTE_DOUBLE' as const,
    ),
  });

  it('the scanner either bails or agrees with js-yaml (1,000 documents)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), style, (data, options) => {
        const source = stringify(data, {
          indent: options.indent,
          indentSeq: options.indentSeq,
          defaultStringType: options.defaultStringType,
          collectionStyle: options.collectionStyle,
          lineWidth: 0,
        });
        if (assertSame(source) === 'same') accepted++;
      }),
      { numRuns: 1000, seed: 20261123 },
    );
    // The point of the scanner is to accept most of what people write.
    // Random strings with control characters get escaped double quotes, which bail by design.
    assert.ok(accepted > 200, `only ${accepted} of 1000 accepted`);
  });
});

describe('fast tree: the benchmark corpus', () => {
  it('accepts every generated manifest with the same tree as js-yaml', () => {
    const decoder = new TextDecoder();
    const files = corpus('5k').slice(0, 1000);
    const outcomes = files.map((file) => assertSame(decoder.decode(file.bytes)));
    assert.equal(outcomes.filter((o) => o === 'same').length, files.length);
  });
});
