/**
 * Flux Kustomization `spec.images` (kustomize.toolkit.fluxcd.io): the same entries, slots and
 * policies as a kustomization file's `images:` (kustomize.test.ts), plus the object rules
 * (duplicates, patches) that a Kubernetes object with an identity gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanDocuments } from '../../../src/manifests/discover/fast-tree.js';
import { PolicyError } from '../../../src/policy/index.js';
import { messages, policySource, run, shapeText, slotById, yaml } from './helpers.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

const flux = (apiVersion: string, annotations: string[] = [], name = 'apps'): string =>
  yaml(
    `apiVersion: ${apiVersion}`,
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    ...(annotations.length === 0 ? [] : ['  annotations:', ...annotations.map((a) => `    ${a}`)]),
    'spec:',
    '  interval: 10m',
    '  path: ./apps/prod',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    '  images:',
    '    - name: ghcr.io/acme/api',
    '      newTag: 1.4.2',
    '    - name: nginx',
    '      newName: registry.example.com/mirror/nginx',
    "      newTag: '1.25'",
    '    - name: redis',
    `      digest: ${DIGEST}`,
    '    - name: renamed-only',
    '      newName: ghcr.io/acme/other',
  );

const AUTOMATED = ['tagpilot.io/automated: "true"', 'tagpilot.io/tag.api: semver:~1.4'];

describe('discover: Flux Kustomization spec.images', () => {
  for (const version of ['v1', 'v1beta2', 'v1beta1'])
    it(`reads spec.images of kustomize.toolkit.fluxcd.io/${version}`, () => {
      const result = run({
        'clusters/prod/apps.yaml': flux(`kustomize.toolkit.fluxcd.io/${version}`),
      });
      assert.deepEqual(result.notes, []);
      assert.deepEqual(
        result.slots.map((s) => [s.id, s.container, s.current.original, s.source, s.workload]),
        [
          [
            'clusters/prod/apps.yaml#.spec.images[0]',
            'api',
            'ghcr.io/acme/api:1.4.2',
            'kustomize',
            undefined,
          ],
          [
            'clusters/prod/apps.yaml#.spec.images[1]',
            'nginx',
            'registry.example.com/mirror/nginx:1.25',
            'kustomize',
            undefined,
          ],
          [
            'clusters/prod/apps.yaml#.spec.images[2]',
            'redis',
            `redis@${DIGEST}`,
            'kustomize',
            undefined,
          ],
        ],
      );
    });

  it('gives parts ranges for newName, newTag and digest (never name)', () => {
    const text = flux('kustomize.toolkit.fluxcd.io/v1');
    const result = run({ 'a.yaml': text });
    const cases: [string, Record<string, string>][] = [
      ['a.yaml#.spec.images[0]', { tag: '1.4.2' }],
      [
        'a.yaml#.spec.images[1]',
        { repository: 'registry.example.com/mirror/nginx', tag: "'1.25'" },
      ],
      ['a.yaml#.spec.images[2]', { digest: DIGEST }],
    ];
    for (const [id, parts] of cases)
      assert.deepEqual(shapeText(text, slotById(result, id)), parts, id);
    assert.equal(slotById(result, 'a.yaml#.spec.images[0]').line, 14);
  });

  const POLICIES: [
    name: string,
    annotations: string[],
    api: string | undefined,
    nginx: string | undefined,
  ][] = [
    ['automated with a tag policy for api', AUTOMATED, 'semver:~1.4', 'glob:*'],
    ['automated only', ['tagpilot.io/automated: "true"'], 'glob:*', 'glob:*'],
    ['no annotations', [], undefined, undefined],
    ['locked', [...AUTOMATED, 'tagpilot.io/locked: "true"'], undefined, undefined],
  ];
  for (const [name, annotations, api, nginx] of POLICIES)
    it(`takes policies from the object's own annotations: ${name}`, () => {
      const result = run({ 'a.yaml': flux('kustomize.toolkit.fluxcd.io/v1', annotations) });
      const first = slotById(result, 'a.yaml#.spec.images[0]');
      assert.equal(policySource(first), api);
      assert.equal(policySource(slotById(result, 'a.yaml#.spec.images[1]')), nginx);
      assert.equal(
        first.workloadPolicy?.locked,
        annotations.some((a) => a.includes('locked')),
      );
    });

  it('an invalid policy is the slot policy (an error) and an error note at the annotations', () => {
    const result = run({
      'a.yaml': flux('kustomize.toolkit.fluxcd.io/v1', [
        'tagpilot.io/automated: "true"',
        'tagpilot.io/tag.api: "semver:>>nope"',
      ]),
    });
    assert.ok(slotById(result, 'a.yaml#.spec.images[0]').policy instanceof PolicyError);
    assert.ok(
      messages(result).some(
        (m) =>
          m.startsWith('error a.yaml:7:5') &&
          m.includes('Kustomization flux-system:kustomization/apps spec.images[0]'),
      ),
      messages(result).join('\n'),
    );
  });

  it('a marker on newTag gives that entry its policy, over the annotation', () => {
    const text = flux('kustomize.toolkit.fluxcd.io/v1', AUTOMATED).replace(
      'newTag: 1.4.2',
      'newTag: 1.4.2 # {"tagpilot": "semver:^1"}',
    );
    const result = run({ 'a.yaml': text });
    const slot = slotById(result, 'a.yaml#.spec.images[0]');
    assert.equal(policySource(slot), 'semver:^1');
    assert.equal(slot.fromMarker, true);
    assert.deepEqual(messages(result), [
      'warning a.yaml:17:21 tagpilot marker overrides the annotation policy for container api',
    ]);
  });

  it('inside a List and in a later document: the path and document index follow', () => {
    const item = flux('kustomize.toolkit.fluxcd.io/v1')
      .trimEnd()
      .split('\n')
      .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
      .join('\n');
    const text = `kind: Secret\n---\napiVersion: v1\nkind: List\nitems:\n${item}\n`;
    const result = run({ 'l.yaml': text });
    const slot = slotById(result, 'l.yaml#.items[0].spec.images[0]');
    assert.equal(slot.documentIndex, 1);
    assert.deepEqual(shapeText(text, slot), { tag: '1.4.2' });
  });

  const IGNORED: [name: string, text: string][] = [
    [
      'kustomize.config.k8s.io in a file not named kustomization',
      flux('kustomize.config.k8s.io/v1beta1'),
    ],
    ['another API group', flux('kustomize.example.com/v1')],
    [
      'images: at the top level of a Flux Kustomization',
      yaml(
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: {name: a}',
        'images:',
        '  - {name: nginx, newTag: "1.25"}',
      ),
    ],
    [
      'no spec.images, and no metadata.name either',
      yaml(
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'spec:',
        '  path: ./x',
        '  images: {}',
      ),
    ],
  ];
  for (const [name, text] of IGNORED)
    it(`not read: ${name} (no slot, no note)`, () => {
      const result = run({ 'x.yaml': text });
      assert.deepEqual(result.slots, []);
      assert.deepEqual(result.notes, []);
    });

  it('a Flux Kustomization with spec.images but no metadata.name is a warning', () => {
    const text = flux('kustomize.toolkit.fluxcd.io/v1').replace('  name: apps\n', '');
    const result = run({ 'x.yaml': text });
    assert.deepEqual(result.slots, []);
    assert.deepEqual(messages(result), [
      'warning x.yaml:1:1 object Kustomization has no metadata.name; its images are skipped',
    ]);
  });

  it('a bad entry is a note with file:line; the other entries still work', () => {
    const text = flux('kustomize.toolkit.fluxcd.io/v1').replace(
      '    - name: ghcr.io/acme/api\n',
      '    - newTag: 1.0.0\n    - name: ghcr.io/acme/api\n',
    );
    const result = run({ 'x.yaml': text });
    assert.deepEqual(messages(result), [
      'warning x.yaml:13:7 spec.images[0] has no name; it is skipped',
    ]);
    assert.equal(slotById(result, 'x.yaml#.spec.images[1]').container, 'api');
  });
});

describe('discover: Flux Kustomizations as objects', () => {
  const V1 = 'kustomize.toolkit.fluxcd.io/v1';

  it('two definitions in one root are a duplicate: both file:line named, its images skipped', () => {
    const result = run(
      {
        'clusters/prod/a.yaml': flux(V1),
        'clusters/prod/b.yaml': `# copy\n${flux(V1)}`,
        'clusters/prod/c.yaml': flux(V1, [], 'infra'),
      },
      { paths: ['clusters/prod'] },
    );
    assert.deepEqual(
      result.slots.map((s) => s.id),
      [
        'clusters/prod/c.yaml#.spec.images[0]',
        'clusters/prod/c.yaml#.spec.images[1]',
        'clusters/prod/c.yaml#.spec.images[2]',
      ],
    );
    assert.deepEqual(messages(result), [
      'error clusters/prod/b.yaml:2:- duplicate definition of flux-system:kustomization/apps in root clusters/prod: clusters/prod/a.yaml:1 and clusters/prod/b.yaml:2; its images are skipped',
    ]);
  });

  it('the same object in two roots is two sets of slots', () => {
    const result = run(
      { 'clusters/prod/apps.yaml': flux(V1), 'clusters/staging/apps.yaml': flux(V1) },
      { paths: ['clusters/prod', 'clusters/staging'] },
    );
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.slots.filter((s) => s.yamlPath === '.spec.images[0]').map((s) => [s.id, s.root]),
      [
        ['clusters/prod/apps.yaml#.spec.images[0]', 'clusters/prod'],
        ['clusters/staging/apps.yaml#.spec.images[0]', 'clusters/staging'],
      ],
    );
  });

  it('a kustomize patch of a Flux Kustomization is no definition and gives no slot unless marked', () => {
    const files = (patch: string): Record<string, string> => ({
      'c/kustomization.yaml': 'resources:\n  - apps.yaml\npatches:\n  - path: patch.yaml\n',
      'c/apps.yaml': flux(V1),
      'c/patch.yaml': patch,
    });
    const plain = run(files(flux(V1).replace('1.4.2', '1.5.0')));
    assert.deepEqual(plain.notes, []);
    assert.deepEqual([...new Set(plain.slots.map((s) => s.file))], ['c/apps.yaml']);
    const marked = run(files(flux(V1).replace('1.4.2', '1.5.0 # {"tagpilot": "semver:~1.5"}')));
    assert.deepEqual(
      marked.slots.filter((s) => s.file === 'c/patch.yaml').map((s) => [s.id, policySource(s)]),
      [['c/patch.yaml#.spec.images[0]', 'semver:~1.5']],
    );
  });
});

describe('discover: Flux Kustomization through both parsers', () => {
  it('the line scanner accepts these files, and js-yaml gives the same slots', () => {
    const texts = [
      flux('kustomize.toolkit.fluxcd.io/v1', AUTOMATED),
      flux('kustomize.toolkit.fluxcd.io/v1beta2').replace(
        '1.4.2',
        '"1.4.2" # {"tagpilot": "semver:^1"}',
      ),
      '\uFEFF' + flux('kustomize.toolkit.fluxcd.io/v1').replace(/\n/g, '\r\n'),
    ];
    for (const text of texts) {
      assert.notEqual(scanDocuments(text), undefined, 'the scanner takes the fast path');
      // An anchor in a later document sends the whole file to js-yaml without moving a range.
      const slow = `${text}---\nx: &a 1\n`;
      assert.equal(scanDocuments(slow), undefined, 'the scanner bails out');
      const fast = run({ 'a.yaml': text });
      const parsed = run({ 'a.yaml': slow });
      assert.equal(fast.slots.length, 3);
      assert.deepEqual(
        parsed.slots.map(({ policy, workloadPolicy, ...rest }) => [
          rest,
          policySource({ ...rest, policy, workloadPolicy }),
        ]),
        fast.slots.map(({ policy, workloadPolicy, ...rest }) => [
          rest,
          policySource({ ...rest, policy, workloadPolicy }),
        ]),
      );
      assert.deepEqual(parsed.notes, fast.notes);
    }
  });
});
