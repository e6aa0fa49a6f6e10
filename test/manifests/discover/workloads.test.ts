import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError } from '../../../src/policy/index.js';
import { messages, policySource, run, shapeText, slotById, yaml } from './helpers.js';

function workload(kind: string, body: string[], meta: string[] = []): string {
  return yaml('apiVersion: apps/v1', `kind: ${kind}`, 'metadata:', '  name: api', ...meta, ...body);
}

const CONTAINERS = [
  '      containers:',
  '        - name: web',
  '          image: ghcr.io/acme/api:1.4.2',
];

describe('discover: workload kinds', () => {
  const podTemplate = ['spec:', '  template:', '    spec:', ...CONTAINERS.map((l) => `  ${l}`)];
  const cases: [string, string[], string][] = [
    ['Deployment', podTemplate, '.spec.template.spec.containers[0].image'],
    ['StatefulSet', podTemplate, '.spec.template.spec.containers[0].image'],
    ['DaemonSet', podTemplate, '.spec.template.spec.containers[0].image'],
    ['ReplicaSet', podTemplate, '.spec.template.spec.containers[0].image'],
    ['Job', podTemplate, '.spec.template.spec.containers[0].image'],
    [
      'CronJob',
      [
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        ...CONTAINERS.map((l) => `    ${l}`),
      ],
      '.spec.jobTemplate.spec.template.spec.containers[0].image',
    ],
    [
      'Pod',
      ['spec:', '  containers:', '    - name: web', '      image: ghcr.io/acme/api:1.4.2'],
      '.spec.containers[0].image',
    ],
  ];
  for (const [kind, body, path] of cases) {
    it(`${kind}: finds the container at ${path}`, () => {
      const text = workload(kind, body);
      const result = run({ 'apps/w.yaml': text });
      const slot = slotById(result, `default:${kind.toLowerCase()}/api/web`);
      assert.equal(slot.yamlPath, path);
      assert.deepEqual(slot.workload, {
        namespace: 'default',
        kind: kind.toLowerCase(),
        name: 'api',
      });
      assert.equal(slot.container, 'web');
      assert.equal(slot.current.tag, '1.4.2');
      assert.equal(slot.current.repository, 'acme/api');
      assert.deepEqual(shapeText(text, slot), { reference: 'ghcr.io/acme/api:1.4.2' });
      assert.equal(slot.line, text.split('\n').findIndex((l) => l.includes('image:')) + 1);
      assert.equal(slot.source, 'workload');
      assert.equal(slot.root, '.');
      assert.deepEqual(result.notes, []);
    });
  }

  it('ignores kinds that hold no pod spec (Service, ConfigMap)', () => {
    const result = run({
      'a.yaml': yaml('kind: Service', 'metadata:', '  name: api', 'spec:', '  image: x:1'),
    });
    assert.deepEqual(result.slots, []);
  });
});

describe('discover: containers, namespaces, documents', () => {
  const text = yaml(
    '# leading comment',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    '  namespace: prod',
    'spec:',
    '  template:',
    '    spec:',
    '      initContainers:',
    '        - name: init',
    "          image: 'busybox:1.36'",
    '      containers:',
    '        - name: web',
    '          image: "ghcr.io/acme/api:1.4.2"   # bump me',
    '        - image: nginx:1.25',
    '          name: proxy',
    '      ephemeralContainers:',
    '        - name: debug',
    '          image: busybox@sha256:' + 'a'.repeat(64),
    '...',
    '---',
    'kind: DaemonSet',
    'metadata: {name: agent}',
    'spec: {template: {spec: {containers: [{name: a, image: "fluent/bit:2.1"}]}}}',
  );
  const result = run({ 'apps/multi.yaml': text }, { defaultNamespace: 'ops' });

  it('finds containers, initContainers and ephemeralContainers in every document', () => {
    assert.deepEqual(
      result.slots.map((s) => [s.id, s.documentIndex]),
      [
        ['prod:deployment/api/init', 0],
        ['prod:deployment/api/web', 0],
        ['prod:deployment/api/proxy', 0],
        ['prod:deployment/api/debug', 0],
        ['ops:daemonset/agent/a', 1],
      ],
    );
  });

  it('gives ranges that include the quotes of quoted scalars and never the comment', () => {
    assert.deepEqual(shapeText(text, slotById(result, 'prod:deployment/api/init')), {
      reference: "'busybox:1.36'",
    });
    assert.deepEqual(shapeText(text, slotById(result, 'prod:deployment/api/web')), {
      reference: '"ghcr.io/acme/api:1.4.2"',
    });
    assert.deepEqual(shapeText(text, slotById(result, 'prod:deployment/api/proxy')), {
      reference: 'nginx:1.25',
    });
    assert.deepEqual(shapeText(text, slotById(result, 'ops:daemonset/agent/a')), {
      reference: '"fluent/bit:2.1"',
    });
    assert.equal(
      slotById(result, 'prod:deployment/api/debug').current.digest,
      'sha256:' + 'a'.repeat(64),
    );
  });

  it('reads kind: List items with their YAML path', () => {
    const list = yaml(
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - kind: Service',
      '    metadata: {name: api}',
      '  - apiVersion: apps/v1',
      '    kind: Deployment',
      '    metadata:',
      '      name: api',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '            - name: web',
      '              image: ghcr.io/acme/api:1.4.2',
    );
    const found = run({ 'list.yaml': list });
    const slot = slotById(found, 'default:deployment/api/web');
    assert.equal(slot.yamlPath, '.items[1].spec.template.spec.containers[0].image');
    assert.deepEqual(shapeText(list, slot), { reference: 'ghcr.io/acme/api:1.4.2' });
  });
});

describe('discover: workload policies come from the policy layer', () => {
  const text = (annotations: string[]): string =>
    yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  annotations:',
      ...annotations.map((a) => `    ${a}`),
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: ghcr.io/acme/api:1.4.2',
      '        - name: side',
      '          image: ghcr.io/acme/side:2.0.0',
    );
  const cases: [string, string[], string | undefined, string | undefined][] = [
    [
      'automated + tag policy',
      ['tagpilot.io/automated: "true"', 'tagpilot.io/tag.web: semver:~1.4'],
      'semver:~1.4',
      'glob:*',
    ],
    [
      'Flux v1 spelling',
      ['fluxcd.io/automated: "true"', 'fluxcd.io/tag.web: glob:1.4.*'],
      'glob:1.4.*',
      'glob:*',
    ],
    [
      'a tag policy without automated does nothing',
      ['tagpilot.io/tag.web: semver:~1.4'],
      undefined,
      undefined,
    ],
    [
      'locked',
      ['tagpilot.io/automated: "true"', 'tagpilot.io/locked: "true"'],
      undefined,
      undefined,
    ],
  ];
  for (const [name, annotations, web, side] of cases) {
    it(name, () => {
      const result = run({ 'd.yaml': text(annotations) });
      assert.equal(policySource(slotById(result, 'default:deployment/api/web')), web);
      assert.equal(policySource(slotById(result, 'default:deployment/api/side')), side);
      assert.notEqual(slotById(result, 'default:deployment/api/web').workloadPolicy, undefined);
    });
  }

  it('an invalid policy is the slot policy (an error) and an error note', () => {
    const result = run({
      'd.yaml': text(['tagpilot.io/automated: "true"', 'tagpilot.io/tag.web: "semver:>>nope"']),
    });
    const slot = slotById(result, 'default:deployment/api/web');
    assert.ok(slot.policy instanceof PolicyError);
    assert.ok(
      messages(result).some(
        (m) => m.startsWith('error d.yaml:6:') && m.includes('tagpilot.io/tag.web'),
      ),
      messages(result).join('\n'),
    );
  });

  it('a bad image reference is a note with file:line; the other containers still work', () => {
    const bad = text(['tagpilot.io/automated: "true"']).replace(
      'ghcr.io/acme/api:1.4.2',
      'ghcr.io/Acme/API:1.4.2',
    );
    const result = run({ 'd.yaml': bad });
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['default:deployment/api/side'],
    );
    assert.equal(result.notes.length, 1);
    assert.equal(result.notes[0]?.line, 12);
    assert.match(result.notes[0].message, /invalid image reference/);
  });

  it('an image given as an alias or a block scalar is reported, not a slot', () => {
    const result = run({
      'd.yaml': yaml(
        'kind: Pod',
        'metadata: {name: p}',
        'spec:',
        '  containers:',
        '    - name: a',
        '      image: &img nginx:1.25',
        '    - name: b',
        '      image: *img',
        '    - name: c',
        '      image: |',
        '        nginx:1.25',
      ),
    });
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['default:pod/p/a'],
    );
    assert.deepEqual(
      result.notes.map((n) => [n.severity, n.line]),
      [
        ['warning', 8],
        ['warning', 11],
      ],
    );
  });
});
