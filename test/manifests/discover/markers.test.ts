import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyError } from '../../../src/policy/index.js';
import { messages, policySource, run, shapeText, slotById, yaml } from './helpers.js';

describe('discover: inline markers make field slots', () => {
  it('on a scalar holding a whole reference', () => {
    const text = yaml('app:', '  image: "ghcr.io/acme/api:1.4.2" # {"tagpilot": "semver:~1.4"}');
    const result = run({ 'apps/values.yaml': text });
    const slot = slotById(result, 'apps/values.yaml#.app.image');
    assert.deepEqual(shapeText(text, slot), { reference: '"ghcr.io/acme/api:1.4.2"' });
    assert.equal(policySource(slot), 'semver:~1.4');
    assert.equal(slot.source, 'marker');
    assert.equal(slot.fromMarker, true);
    assert.equal(slot.workload, undefined);
    assert.equal(slot.line, 2);
  });

  it('on a tag-only scalar with "image" naming the repository', () => {
    const text = yaml('tag: 1.4.2 # {"tagpilot": "semver:~1.4", "image": "ghcr.io/acme/api"}');
    const slot = slotById(run({ 'v.yaml': text }), 'v.yaml#.tag');
    assert.deepEqual(shapeText(text, slot), { tag: '1.4.2' });
    assert.equal(slot.current.original, 'ghcr.io/acme/api:1.4.2');
  });

  it('on a tag with a sibling repository (and registry)', () => {
    const text = yaml(
      'image:',
      '  registry: ghcr.io',
      '  repository: acme/api',
      '  tag: \'1.4.2\'  # {"tagpilot": "semver:~1.4"}',
    );
    const slot = slotById(run({ 'v.yaml': text }), 'v.yaml#.image.tag');
    assert.deepEqual(shapeText(text, slot), {
      registry: 'ghcr.io',
      repository: 'acme/api',
      tag: "'1.4.2'",
    });
    assert.equal(slot.current.original, 'ghcr.io/acme/api:1.4.2');
  });

  it('"pin": "digest" asks for tag@digest', () => {
    const text = yaml('image: nginx:1.25 # {"tagpilot": "semver:^1", "pin": "digest"}');
    const policy = slotById(run({ 'v.yaml': text }), 'v.yaml#.image').policy;
    assert.ok(policy !== undefined && !(policy instanceof PolicyError));
    assert.equal(policy.pinDigest, true);
  });

  it('works in any YAML (a Tekton task, an Argo CD Application), in sequences and with CRLF', () => {
    const text =
      'kind: Task\r\nspec:\r\n  steps:\r\n    - image: ghcr.io/acme/tool:0.3.0 # {"tagpilot": "semver:0.x"}\r\n';
    const slot = slotById(run({ 'tekton.yaml': text }), 'tekton.yaml#.spec.steps[0].image');
    assert.deepEqual(shapeText(text, slot), { reference: 'ghcr.io/acme/tool:0.3.0' });
    assert.equal(slot.line, 4);
  });
});

describe('discover: a marker on a workload container refines that slot', () => {
  const text = (annotations: string[]): string =>
    yaml(
      'kind: Deployment',
      'metadata:',
      '  name: api',
      ...(annotations.length > 0 ? ['  annotations:', ...annotations.map((a) => `    ${a}`)] : []),
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: ghcr.io/acme/api:1.4.2 # {"tagpilot": "semver:^1"}',
    );

  it('keeps the workload id and takes the marker policy', () => {
    const result = run({ 'd.yaml': text([]) });
    const slot = slotById(result, 'default:deployment/api/web');
    assert.equal(policySource(slot), 'semver:^1');
    assert.equal(slot.fromMarker, true);
    assert.equal(result.slots.length, 1);
  });

  it('says so when it overrides an annotation policy', () => {
    const result = run({
      'd.yaml': text(['tagpilot.io/automated: "true"', 'tagpilot.io/tag.web: semver:~1.4']),
    });
    assert.equal(policySource(slotById(result, 'default:deployment/api/web')), 'semver:^1');
    assert.match(
      messages(result).join('\n'),
      /warning d\.yaml:12:.*overrides the annotation policy for container web/,
    );
  });

  it('does not unlock a locked workload', () => {
    const result = run({ 'd.yaml': text(['tagpilot.io/locked: "true"']) });
    assert.equal(slotById(result, 'default:deployment/api/web').policy, undefined);
    assert.match(messages(result).join('\n'), /info d\.yaml:11:.*locked/);
  });
});

describe('discover: markers that cannot apply are errors, never ignored', () => {
  const cases: [string, string, RegExp][] = [
    [
      'on a mapping',
      yaml('image: # {"tagpilot": "semver:~1.4"}', '  repository: a/b', '  tag: "1"'),
      /not on a scalar/,
    ],
    [
      'on a block scalar header',
      yaml('values: | # {"tagpilot": "semver:~1.4"}', '  image: a/b:1'),
      /not on a scalar/,
    ],
    [
      'inside a block scalar (flux2#5307)',
      yaml('values: |', '  image: a/b:1 # {"tagpilot": "semver:~1.4"}'),
      /inside a string or block scalar/,
    ],
    [
      'on a flow collection',
      yaml('image: {repository: a/b, tag: "1"} # {"tagpilot": "semver:~1.4"}'),
      /not on a scalar/,
    ],
    [
      'on a line of its own',
      yaml('# {"tagpilot": "semver:~1.4"}', 'image: a/b:1'),
      /line of its own/,
    ],
    [
      'invalid JSON',
      yaml('image: a/b:1 # {"tagpilot": semver}'),
      /invalid tagpilot marker.*not a JSON object/,
    ],
    [
      'an unknown key',
      yaml('image: a/b:1 # {"tagpilot": "semver:~1.4", "imagee": "x"}'),
      /unknown key "imagee"/,
    ],
    [
      'a policy that is not a string',
      yaml('image: a/b:1 # {"tagpilot": 1}'),
      /must be a policy string/,
    ],
    [
      'an invalid policy',
      yaml('image: a/b:1 # {"tagpilot": "semver:>>x"}'),
      /tagpilot marker: .*invalid policy "semver:>>x"/,
    ],
    ['a tag without "image"', yaml('tag: 1.4.2 # {"tagpilot": "semver:~1.4"}'), /needs "image"/],
    [
      'a bad pin',
      yaml('image: a/b:1 # {"tagpilot": "semver:~1.4", "pin": "yes"}'),
      /the only "pin" is "digest"/,
    ],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      const result = run({ 'v.yaml': text });
      const errors = result.notes.filter((n) => n.severity === 'error');
      assert.equal(errors.length, 1, messages(result).join('\n'));
      assert.match(errors[0]?.message ?? '', pattern);
      assert.equal(errors[0]?.file, 'v.yaml');
      assert.equal(typeof errors[0].line, 'number');
    });
  }

  it('an invalid policy still yields the slot, carrying the error', () => {
    const result = run({ 'v.yaml': yaml('image: a/b:1 # {"tagpilot": "semver:>>x"}') });
    assert.ok(slotById(result, 'v.yaml#.image').policy instanceof PolicyError);
  });

  it('a "tagpilot" string that is not in a comment is not a marker', () => {
    const result = run({ 'v.yaml': yaml('description: \'the "tagpilot" tool\'', 'image: a/b:1') });
    assert.deepEqual(result.notes, []);
    assert.deepEqual(result.slots, []);
  });
});
