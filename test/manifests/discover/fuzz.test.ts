/**
 * Text made of YAML fragments: discovery never throws, and the line scanner never accepts what
 * js-yaml rejects nor builds a different tree from what it accepts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanDocuments } from '../../../src/manifests/discover/fast-tree.js';
import { parseDocuments, type YDocument } from '../../../src/manifests/discover/tree.js';
import { discover } from '../../../src/manifests/index.js';
import { corpus } from '../../../bench/manifests.js';
import { file, yaml } from './helpers.js';

const FRAGMENTS = [
  'a',
  'b: ',
  'kind: Pod',
  'image: ',
  'nginx:1.25',
  '- ',
  '  ',
  '    ',
  '"x"',
  "'y'",
  ' #c',
  '#c',
  '{',
  '}',
  '[',
  ']',
  ', ',
  ':',
  ': ',
  '\n',
  '\r\n',
  '---',
  '...',
  '&a ',
  '*a',
  '|',
  '>',
  ' ',
  '\t',
  '1.10',
  'name: n',
  'containers:',
  'metadata:',
  'spec:',
  '{{ v }}',
  '"',
  ' # {"tagpilot": "semver:^1"}',
  'tag: 1',
  '\uFEFF',
  '\u00A0',
  '\u0085',
  '\u2028',
  '%',
  '@',
  '`',
  '-1',
  '- -',
  '  - x: 1',
  '?',
  '!!str ',
  '\\',
  "''",
];

/** Flux Kustomizations with `spec.images` (flux-kustomization.ts), mutated like the corpus. */
const FLUX_KUSTOMIZATIONS = [
  yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    '  name: apps',
    '  namespace: flux-system',
    '  annotations:',
    '    tagpilot.io/automated: "true"',
    '    tagpilot.io/tag.api: semver:~1.4',
    'spec:',
    '  interval: 10m',
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    '  images:',
    '    - name: ghcr.io/acme/api',
    '      newTag: 1.4.2 # {"tagpilot": "semver:~1.4"}',
    '    - name: nginx',
    '      newName: registry.example.com/mirror/nginx',
    "      newTag: '1.25'",
    `      digest: sha256:${'c'.repeat(64)}`,
  ),
  yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1beta2',
    'kind: Kustomization',
    'metadata: {name: infra}',
    'spec:',
    '  images:',
    '  - name: redis',
    '    newTag: "7.2"',
    '  - {name: busybox, newTag: "1.36"}',
  ),
];

const text = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 })
  .map((parts) => parts.join(''));

function reference(source: string): YDocument[] | undefined {
  try {
    return parseDocuments(source).map((d) => ({
      root:
        d.root?.t === 'scalar' && d.root.value === '' && d.root.style === 'plain'
          ? undefined
          : d.root,
    }));
  } catch {
    return undefined;
  }
}

describe('fuzz', () => {
  it('the scanner agrees with js-yaml or bails out (3,000 texts)', () => {
    fc.assert(
      fc.property(text, (source) => {
        const fast = scanDocuments(source);
        if (fast === undefined) return;
        assert.deepEqual(fast, reference(source), JSON.stringify(source));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('the scanner agrees with js-yaml on mutated manifests or bails out (2,000 mutants)', () => {
    const decoder = new TextDecoder();
    const manifests = [
      ...corpus('5k')
        .slice(0, 40)
        .map((f) => decoder.decode(f.bytes)),
      ...FLUX_KUSTOMIZATIONS,
    ];
    const edit = fc.tuple(
      fc.nat(3000),
      fc.constantFrom(...FRAGMENTS, '\n  ', '\n- ', ''),
      fc.nat(3),
    );
    fc.assert(
      fc.property(
        fc.nat(manifests.length - 1),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (index, edits) => {
          let source = manifests[index] ?? '';
          for (const [position, fragment, removed] of edits) {
            const at = position % (source.length + 1);
            source = source.slice(0, at) + fragment + source.slice(at + removed);
          }
          const fast = scanDocuments(source);
          if (fast !== undefined) assert.deepEqual(fast, reference(source), JSON.stringify(source));
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('discovery never throws, whatever the text (1,000 texts)', () => {
    fc.assert(
      fc.property(text, (source) => {
        const result = discover([file('x.yaml', source), file('kustomization.yaml', source)]);
        assert.ok(Array.isArray(result.slots));
      }),
      { numRuns: 1000, seed: 6 },
    );
  });
});
