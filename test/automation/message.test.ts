import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef } from '../../src/image/index.js';
import {
  commitMessage,
  parseTrailers,
  subjectLine,
  SUBJECT_MAX,
  validateTemplate,
  MessageTemplateError,
  type UpdateDecision,
} from '../../src/automation/message.js';
import { slot, type SlotSpec } from './fixtures.js';

function update(
  spec: SlotSpec,
  to: string,
  change: UpdateDecision['change'] = 'update',
): UpdateDecision {
  const s = slot(spec);
  return {
    kind: 'update',
    slot: s,
    from: s.current,
    to: parseImageRef(to),
    change,
    reason: {
      rule: 'semver *',
      semantics: 'tagpilot',
      total: 3,
      matched: 2,
      text: `${to} is the highest of 2 matching tags`,
    },
  };
}

const api = update({ name: 'api', image: 'ghcr.io/acme/api:1.4.2' }, 'ghcr.io/acme/api:1.4.3');
const worker = update(
  { name: 'worker', image: 'ghcr.io/acme/worker:2.0.0' },
  'ghcr.io/acme/worker:2.0.1',
);

describe('subjectLine', () => {
  const table: { name: string; updates: UpdateDecision[]; skipCi?: boolean; expected: string }[] = [
    { name: 'one update', updates: [api], expected: 'chore(images): update api to 1.4.3' },
    {
      name: 'two updates',
      updates: [api, worker],
      expected: 'chore(images): update api to 1.4.3, worker to 2.0.1',
    },
    {
      name: 'skip ci',
      updates: [api],
      skipCi: true,
      expected: 'chore(images): update api to 1.4.3 [skip ci]',
    },
    {
      name: 'two containers of one workload are told apart',
      updates: [
        update({ name: 'api', container: 'app', image: 'a/app:1.0.0' }, 'a/app:1.0.1'),
        update({ name: 'api', container: 'sidecar', image: 'a/side:1.0.0' }, 'a/side:1.0.1'),
      ],
      expected: 'chore(images): update api/app to 1.0.1, api/sidecar to 1.0.1',
    },
    {
      name: 'digest change shows a short digest',
      updates: [
        update(
          { name: 'web', image: `r.io/web:latest@sha256:${'1'.repeat(64)}` },
          `r.io/web:latest@sha256:${'ab'.repeat(32)}`,
          'digest',
        ),
      ],
      expected: 'chore(images): update web to latest@abababababab',
    },
  ];
  for (const c of table)
    it(c.name, () => {
      assert.equal(subjectLine(c.updates, c.skipCi), c.expected);
    });

  it('is bounded, ending in "and N more"', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      update({ name: `service-${i}`, image: `r.io/s${i}:1.0.0` }, `r.io/s${i}:1.0.1`),
    );
    const subject = subjectLine(many, true);
    assert.ok(subject.length <= SUBJECT_MAX, subject);
    assert.match(
      subject,
      /^chore\(images\): update service-0 to 1\.0\.1(, [^,]+)* and \d+ more \[skip ci\]$/,
    );
  });
});

describe('commitMessage', () => {
  it('has subject, a body per slot and one trailer per slot, which parse back', () => {
    const message = commitMessage([api, worker]);
    const [subject, blank] = message.split('\n');
    assert.equal(subject, 'chore(images): update api to 1.4.3, worker to 2.0.1');
    assert.equal(blank, '');
    assert.match(
      message,
      /prod:deployment\/api container api \(apps\/api\.yaml\):\n {2}ghcr\.io\/acme\/api:1\.4\.2 -> ghcr\.io\/acme\/api:1\.4\.3\n {2}policy semver:\* \(tagpilot\), update: /,
    );
    assert.deepEqual(parseTrailers(message), [
      {
        slot: 'prod:deployment/api/api',
        from: 'ghcr.io/acme/api:1.4.2',
        to: 'ghcr.io/acme/api:1.4.3',
      },
      {
        slot: 'prod:deployment/worker/worker',
        from: 'ghcr.io/acme/worker:2.0.0',
        to: 'ghcr.io/acme/worker:2.0.1',
      },
    ]);
  });

  it('fills a template; trailers are always appended', () => {
    const message = commitMessage([api, worker], {
      template: 'deploy: {{count}} image(s) for {{workloads}}\n\n{{updates}}',
      skipCi: true,
    });
    assert.equal(message.split('\n')[0], 'deploy: 2 image(s) for api, worker [skip ci]');
    assert.match(
      message,
      /prod:deployment\/api\/api ghcr\.io\/acme\/api:1\.4\.2 -> ghcr\.io\/acme\/api:1\.4\.3/,
    );
    assert.equal(parseTrailers(message).length, 2);
  });

  it('refuses an unknown placeholder and an empty template', () => {
    assert.throws(() => {
      validateTemplate('{{nope}}');
    }, MessageTemplateError);
    assert.throws(() => {
      validateTemplate('  ');
    }, MessageTemplateError);
    assert.doesNotThrow(() => {
      validateTemplate('{{subject}}\n\n{{body}}');
    });
  });

  it('refuses to compose a message for no updates', () => {
    assert.throws(() => commitMessage([]));
  });

  it('encodes a slot id with a space and decodes it back', () => {
    const s = slot({ image: 'r.io/a:1.0.0' });
    const spaced: UpdateDecision = { ...api, slot: { ...s, id: 'my apps/values.yaml#.image' } };
    assert.deepEqual(parseTrailers(commitMessage([spaced]))[0]?.slot, 'my apps/values.yaml#.image');
  });
});

describe('parseTrailers', () => {
  const table: [string, string, number][] = [
    ['no trailers', 'fix: typo\n\nbody text\n', 0],
    ['trailer in the last paragraph', 'x\n\nTagpilot-Update: a:b/c/d r/a:1 r/a:2\n', 1],
    [
      'a quoted trailer in the body does not count',
      'x\n\nTagpilot-Update: a:b/c/d r/a:1 r/a:2\n\nSigned-off-by: me\n',
      0,
    ],
    ['a subject alone is not a trailer block', 'Tagpilot-Update: a:b/c/d r/a:1 r/a:2', 0],
    [
      'malformed lines are skipped',
      'x\n\nTagpilot-Update: only-two r/a:1\nTagpilot-Update: s r/a:1 r/a:2\n',
      1,
    ],
    ['CRLF messages', 'x\r\n\r\nTagpilot-Update: s r/a:1 r/a:2\r\n', 1],
  ];
  for (const [name, message, count] of table)
    it(name, () => {
      assert.equal(parseTrailers(message).length, count);
    });
});
