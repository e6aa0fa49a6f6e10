import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messages, run, yaml } from './helpers.js';

const deployment = (name: string, image = 'ghcr.io/acme/api:1.4.2', namespace = 'prod'): string =>
  yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    `          image: ${image}`,
  );

describe('discover: duplicate definitions within one deployable root', () => {
  it('are reported with file:line of both, that object is skipped, the rest works', () => {
    const result = run(
      {
        'clusters/prod/a.yaml': deployment('api'),
        'clusters/prod/b.yaml': `# second copy\n${deployment('api')}`,
        'clusters/prod/c.yaml': deployment('worker'),
      },
      { paths: ['clusters/prod'] },
    );
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['prod:deployment/worker/web'],
    );
    assert.deepEqual(messages(result), [
      'error clusters/prod/b.yaml:2:- duplicate definition of prod:deployment/api in root clusters/prod: clusters/prod/a.yaml:1 and clusters/prod/b.yaml:2; its images are skipped',
    ]);
  });

  it('within one file and inside a List, too', () => {
    const text = `${deployment('api')}---\n${deployment('api')}`;
    const result = run({ 'one.yaml': text });
    assert.deepEqual(result.slots, []);
    assert.match(messages(result)[0] ?? '', /one\.yaml:1 and one\.yaml:13/);

    const indent = (doc: string): string =>
      doc
        .trimEnd()
        .split('\n')
        .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
        .join('\n');
    const list = `kind: List\nitems:\n${indent(deployment('api'))}\n${indent(deployment('api'))}\n`;
    const listed = run({ 'list.yaml': list });
    assert.deepEqual(listed.slots, []);
    assert.match(messages(listed)[0] ?? '', /list\.yaml:3 and list\.yaml:14/);
  });

  it('the same namespace/kind/name in a different namespace is a different object', () => {
    const result = run({
      'a.yaml': deployment('api'),
      'b.yaml': deployment('api', undefined, 'staging'),
    });
    assert.deepEqual(result.slots.map((s) => s.id).sort(), [
      'prod:deployment/api/web',
      'staging:deployment/api/web',
    ]);
  });

  it('the same id under different roots is two separate slots', () => {
    const result = run(
      {
        'clusters/staging/api.yaml': deployment('api'),
        'clusters/prod/api.yaml': deployment('api'),
      },
      { paths: ['clusters/staging', 'clusters/prod'] },
    );
    assert.deepEqual(
      result.slots.map((s) => [s.id, s.root]),
      [
        ['prod:deployment/api/web', 'clusters/prod'],
        ['prod:deployment/api/web', 'clusters/staging'],
      ],
    );
    assert.deepEqual(result.notes, []);
  });

  it('each kustomization.yaml tree is its own root under one configured path', () => {
    const result = run({
      'clusters/staging/kustomization.yaml': yaml('resources: [api.yaml]'),
      'clusters/staging/api.yaml': deployment('api'),
      'clusters/prod/kustomization.yaml': yaml('resources: [api.yaml]'),
      'clusters/prod/sub/api.yaml': deployment('api'),
    });
    assert.deepEqual(
      result.slots.map((s) => s.root),
      ['clusters/prod', 'clusters/staging'],
    );
    assert.deepEqual(result.notes, []);
  });
});

describe('discover: Kustomize patches are not definitions', () => {
  const patch = yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    '  namespace: prod',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: ghcr.io/acme/api:1.5.0',
  );
  for (const field of [
    'patchesStrategicMerge:\n  - patch.yaml',
    'patches:\n  - path: patch.yaml\n    target: {kind: Deployment}',
    'patchesJson6902:\n  - path: patch.yaml\n    target: {kind: Deployment, name: api}',
  ]) {
    it(`a file named under ${field.split(':')[0] ?? ''} makes no duplicate and no slot`, () => {
      const result = run({
        'app/kustomization.yaml': `resources:\n  - deployment.yaml\n${field}\n`,
        'app/deployment.yaml': deployment('api'),
        'app/patch.yaml': patch,
      });
      assert.deepEqual(result.notes, []);
      assert.deepEqual(
        result.slots.map((s) => [s.id, s.file]),
        [['prod:deployment/api/web', 'app/deployment.yaml']],
      );
    });
  }

  it('a marked image in a patch is a field slot of the patch file', () => {
    const result = run({
      'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: ./patch.yaml\n',
      'overlay/patch.yaml': patch.replace('1.5.0', '1.5.0 # {"tagpilot": "semver:~1.5"}'),
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('api'),
    });
    assert.deepEqual(
      result.slots.map((s) => [s.id, s.root]),
      [
        ['prod:deployment/api/web', 'base'],
        ['overlay/patch.yaml#.spec.template.spec.containers[0].image', 'overlay'],
      ],
    );
  });
});
