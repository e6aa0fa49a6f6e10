import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messages, policySource, run, shapeText, slotById, yaml } from './helpers.js';

function release(apiVersion: string, values: string[], annotations: string[] = []): string {
  return yaml(
    `apiVersion: ${apiVersion}`,
    'kind: HelmRelease',
    'metadata:',
    '  name: api',
    '  namespace: prod',
    ...(annotations.length === 0 ? [] : ['  annotations:', ...annotations.map((a) => `    ${a}`)]),
    'spec:',
    '  values:',
    ...values.map((v) => `    ${v}`),
  );
}

describe('discover: Flux HelmRelease values (Flux v1 shapes)', () => {
  const cases: [string, string[], string, string, Record<string, string>][] = [
    [
      'image: repo:tag',
      ['image: ghcr.io/acme/api:1.4.2'],
      'chart-image',
      '.spec.values.image',
      { reference: 'ghcr.io/acme/api:1.4.2' },
    ],
    [
      'image + tag',
      ['image: ghcr.io/acme/api', 'tag: "1.4.2"'],
      'chart-image',
      '.spec.values',
      { repository: 'ghcr.io/acme/api', tag: '"1.4.2"' },
    ],
    [
      'registry + image + tag',
      ['registry: ghcr.io', 'image: acme/api', 'tag: 1.4.2'],
      'chart-image',
      '.spec.values',
      { registry: 'ghcr.io', repository: 'acme/api', tag: '1.4.2' },
    ],
    [
      'image: {repository, tag}',
      ['image:', '  repository: ghcr.io/acme/api', '  tag: 1.4.2'],
      'chart-image',
      '.spec.values.image',
      { repository: 'ghcr.io/acme/api', tag: '1.4.2' },
    ],
    [
      'image: {registry, repository, tag}',
      ['image: {registry: ghcr.io, repository: acme/api, tag: 1.4.2}'],
      'chart-image',
      '.spec.values.image',
      { registry: 'ghcr.io', repository: 'acme/api', tag: '1.4.2' },
    ],
    [
      'one key down: image: repo:tag',
      ['api:', '  image: ghcr.io/acme/api:1.4.2'],
      'api',
      '.spec.values.api.image',
      { reference: 'ghcr.io/acme/api:1.4.2' },
    ],
    [
      'one key down: image map',
      ['api:', '  image:', '    repository: ghcr.io/acme/api', '    tag: 1.4.2'],
      'api',
      '.spec.values.api.image',
      { repository: 'ghcr.io/acme/api', tag: '1.4.2' },
    ],
  ];
  for (const apiVersion of [
    'helm.toolkit.fluxcd.io/v2',
    'helm.fluxcd.io/v1',
    'flux.weave.works/v1beta1',
  ]) {
    for (const [name, values, container, path, parts] of cases) {
      it(`${apiVersion}: ${name}`, () => {
        const text = release(apiVersion, values, ['fluxcd.io/automated: "true"']);
        const result = run({ 'r.yaml': text });
        const slot = slotById(result, `prod:helmrelease/api/${container}`);
        assert.equal(slot.yamlPath, path);
        assert.equal(slot.container, container);
        assert.equal(slot.current.registry, 'ghcr.io');
        assert.equal(slot.current.repository, 'acme/api');
        assert.equal(slot.current.tag, '1.4.2');
        assert.deepEqual(shapeText(text, slot), parts);
        assert.equal(slot.source, 'helm-release');
        assert.equal(policySource(slot), 'glob:*');
        assert.deepEqual(result.notes, []);
      });
    }
  }

  it('a HelmRelease of another API group is not read', () => {
    const result = run({ 'r.yaml': release('example.com/v1', ['image: ghcr.io/acme/api:1.4.2']) });
    assert.deepEqual(result.slots, []);
  });

  it('two levels down is not a Flux v1 shape', () => {
    const result = run({
      'r.yaml': release('helm.toolkit.fluxcd.io/v2', [
        'a:',
        '  b:',
        '    image: ghcr.io/acme/api:1.4.2',
      ]),
    });
    assert.deepEqual(result.slots, []);
  });

  it('an empty tag (chart default) gives a slot without a current tag', () => {
    const text = release('helm.toolkit.fluxcd.io/v2', [
      'image:',
      '  repository: ghcr.io/acme/api',
      '  tag: ""',
    ]);
    const slot = slotById(run({ 'r.yaml': text }), 'prod:helmrelease/api/chart-image');
    assert.equal(slot.current.tag, undefined);
    assert.deepEqual(shapeText(text, slot), { repository: 'ghcr.io/acme/api', tag: '""' });
  });

  it('policies per container name: chart-image, the parent key, filter.fluxcd.io', () => {
    const text = release(
      'helm.fluxcd.io/v1',
      ['image: ghcr.io/acme/api:1.4.2', 'worker:', '  image: ghcr.io/acme/worker:2.0.0'],
      [
        'fluxcd.io/automated: "true"',
        'fluxcd.io/tag.chart-image: semver:~1.4',
        'filter.fluxcd.io/worker: glob:2.*',
      ],
    );
    const result = run({ 'r.yaml': text });
    assert.equal(policySource(slotById(result, 'prod:helmrelease/api/chart-image')), 'semver:~1.4');
    assert.equal(policySource(slotById(result, 'prod:helmrelease/api/worker')), 'glob:2.*');
  });
});

describe('discover: Flux v1 HelmRelease alias annotations', () => {
  it('maps repository/tag/registry paths to a container named by the alias', () => {
    const text = release(
      'helm.fluxcd.io/v1',
      ['app:', '  reg: ghcr.io', '  repo: acme/api', '  version: 1.4.2'],
      [
        'fluxcd.io/automated: "true"',
        'repository.fluxcd.io/web: app.repo',
        'tag.fluxcd.io/web: app.version',
        'registry.fluxcd.io/web: app.reg',
        'fluxcd.io/tag.web: semver:~1.4',
      ],
    );
    const result = run({ 'r.yaml': text });
    const slot = slotById(result, 'prod:helmrelease/api/web');
    assert.deepEqual(shapeText(text, slot), {
      registry: 'ghcr.io',
      repository: 'acme/api',
      tag: '1.4.2',
    });
    assert.equal(slot.current.original, 'ghcr.io/acme/api:1.4.2');
    assert.equal(policySource(slot), 'semver:~1.4');
    assert.equal(result.slots.length, 1);
  });

  it('an alias takes the scalars over from detection (no second slot)', () => {
    const text = release(
      'helm.fluxcd.io/v1',
      ['image:', '  repository: ghcr.io/acme/api', '  tag: 1.4.2'],
      ['repository.fluxcd.io/web: image.repository', 'tag.fluxcd.io/web: image.tag'],
    );
    const result = run({ 'r.yaml': text });
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['prod:helmrelease/api/web'],
    );
  });

  it('a missing repository annotation or a path to nothing is an error note', () => {
    const text = release(
      'helm.fluxcd.io/v1',
      ['image: ghcr.io/acme/api:1.4.2'],
      ['tag.fluxcd.io/web: image.tag', 'repository.fluxcd.io/db: db.repo'],
    );
    const result = run({ 'r.yaml': text });
    const text2 = messages(result).join('\n');
    assert.match(text2, /alias web: repository\.fluxcd\.io\/web is required/);
    assert.match(
      text2,
      /alias db: repository\.fluxcd\.io\/db names "db\.repo", which is not a string/,
    );
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['prod:helmrelease/api/chart-image'],
    );
  });
});
