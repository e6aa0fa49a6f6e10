import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/index.js';
import {
  applyAnnotationEdit,
  applyImageEdits,
  applyScalarEdits,
  ManifestEditError,
} from '../../../src/manifests/edit/index.js';
import { parseFile } from '../../../src/manifests/edit/parsed-file.js';
import { verifyEdit, toData } from '../../../src/manifests/edit/verify.js';
import type { ImageSlot } from '../../../src/manifests/types.js';

function refusal(
  run: () => unknown,
  expected: { code: string; file: string; line: number; column?: number; reason: RegExp },
): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ManifestEditError, `not a ManifestEditError: ${String(error)}`);
    assert.equal(error.code, expected.code);
    assert.equal(error.file, expected.file);
    assert.equal(error.line, expected.line);
    if (expected.column !== undefined) assert.equal(error.column, expected.column);
    assert.match(error.reason, expected.reason);
    assert.ok(error.message.startsWith(`${expected.file}:${expected.line}`), error.message);
    return true;
  });
}

const DEPLOYMENT = `kind: Deployment
metadata:
  name: api
spec:
  containers:
  - name: api
    image: nginx:1.25 # bump me
`;
const IMAGE_AT = DEPLOYMENT.indexOf('nginx:1.25');

function slot(range: readonly [number, number], current = 'nginx:1.25'): ImageSlot {
  return {
    id: 'default:deployment/api',
    file: 'apps/api.yaml',
    documentIndex: 0,
    yamlPath: '.spec.containers[0].image',
    line: 7,
    shape: { kind: 'reference', range },
    current: parseImageRef(current),
    workload: { namespace: 'default', kind: 'deployment', name: 'api' },
    container: 'api',
    workloadPolicy: undefined,
    policy: undefined,
    root: '.',
  };
}

describe('editor refusals', () => {
  it('refuses malformed YAML with file, line and column', () => {
    const broken = 'kind: Pod\nspec:\n  containers: [a, b\n  other: 1\n';
    refusal(() => applyScalarEdits(broken, [{ range: [0, 4], value: 'x' }], 'bad.yaml'), {
      code: 'EDIT_YAML_INVALID',
      file: 'bad.yaml',
      line: 4,
      column: 3,
      reason: /not valid YAML/,
    });
  });

  it('refuses a slot whose file changed since discovery (stale value)', () => {
    const changed = DEPLOYMENT.replace('nginx:1.25', 'nginx:1.26');
    refusal(
      () =>
        applyImageEdits(changed, [
          { slot: slot([IMAGE_AT, IMAGE_AT + 10]), to: parseImageRef('nginx:1.27') },
        ]),
      {
        code: 'EDIT_STALE',
        file: 'apps/api.yaml',
        line: 7,
        reason: /"nginx:1\.26", not "nginx:1\.25"/,
      },
    );
  });

  it('refuses a range with no value', () => {
    refusal(
      () =>
        applyImageEdits(DEPLOYMENT, [{ slot: slot([0, 500]), to: parseImageRef('nginx:1.27') }]),
      { code: 'EDIT_RANGE_INVALID', file: 'apps/api.yaml', line: 1, reason: /outside the file/ },
    );
  });

  it('refuses two edits of one scalar', () => {
    const s = slot([IMAGE_AT, IMAGE_AT + 10]);
    refusal(
      () =>
        applyImageEdits(DEPLOYMENT, [
          { slot: s, to: parseImageRef('nginx:1.27') },
          { slot: s, to: parseImageRef('nginx:1.28') },
        ]),
      { code: 'EDIT_OVERLAP', file: 'apps/api.yaml', line: 7, reason: /same scalar/ },
    );
  });

  it('refuses a map where a scalar was expected', () => {
    const at = DEPLOYMENT.indexOf('- name');
    refusal(
      () =>
        applyScalarEdits(DEPLOYMENT, [{ range: [at, DEPLOYMENT.length], value: 'x' }], 'f.yaml'),
      { code: 'EDIT_NOT_A_SCALAR', file: 'f.yaml', line: 6, reason: /not a scalar/ },
    );
  });

  it('refuses a parts slot without the field the new reference needs', () => {
    const text = 'image:\n  repository: nginx\n';
    const at = text.indexOf('nginx');
    const parts: ImageSlot = {
      ...slot([0, 0], 'nginx'),
      shape: { kind: 'parts', repository: [at, at + 5] },
      line: 2,
    };
    refusal(() => applyImageEdits(text, [{ slot: parts, to: parseImageRef('nginx:1.27') }]), {
      code: 'EDIT_SHAPE_MISMATCH',
      file: 'apps/api.yaml',
      line: 2,
      reason: /no tag field/,
    });
  });

  it('refuses an annotation edit on a document that does not exist', () => {
    refusal(
      () =>
        applyAnnotationEdit(
          DEPLOYMENT,
          { documentIndex: 3, objectPath: [] },
          { op: 'remove', key: 'a' },
          'f.yaml',
        ),
      { code: 'EDIT_TARGET_NOT_FOUND', file: 'f.yaml', line: 1, reason: /has 1 documents/ },
    );
  });
});

describe('verification (independent of how the splice was made)', () => {
  const original = parseFile(DEPLOYMENT, 'apps/api.yaml');
  const splice = { start: IMAGE_AT, end: IMAGE_AT + 10, text: 'nginx:1.27' };
  const expectation = () => {
    const data = original.documents.map((d) => toData(d, 'apps/api.yaml')) as {
      spec: { containers: { image: string }[] };
    }[];
    const first = data[0]?.spec.containers[0];
    if (first !== undefined) first.image = 'nginx:1.27';
    return { data, skip: () => false, restyled: new Map<number, Set<string>>() };
  };

  it('accepts the intended change', () => {
    const edited = DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27');
    assert.doesNotThrow(() => verifyEdit(original, edited, [splice], expectation()));
  });

  it('names the line when a comment changed elsewhere', () => {
    const edited = DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27').replace('# bump me', '# bumped');
    refusal(() => verifyEdit(original, edited, [splice], expectation()), {
      code: 'EDIT_VERIFY_FAILED',
      file: 'apps/api.yaml',
      line: 7,
      reason: /trailing comment changed at \.spec\.containers\[0\]\.image/,
    });
  });

  it('names the path and line when data changed elsewhere', () => {
    const edited = DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27').replace(
      'name: api\n',
      'name: apj\n',
    );
    refusal(() => verifyEdit(original, edited, [splice], expectation()), {
      code: 'EDIT_VERIFY_FAILED',
      file: 'apps/api.yaml',
      line: 3,
      reason: /read differently at \.metadata\.name/,
    });
  });

  it('refuses a comment that disappeared into a value', () => {
    const edited = DEPLOYMENT.replace('nginx:1.25 # bump me', 'nginx:1.27 "# bump me"');
    refusal(() => verifyEdit(original, edited, [splice], expectation()), {
      code: 'EDIT_VERIFY_FAILED',
      file: 'apps/api.yaml',
      line: 7,
      reason: /./,
    });
  });

  it('refuses text that no longer parses', () => {
    const edited = DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27\n  - [');
    refusal(() => verifyEdit(original, edited, [splice], expectation()), {
      code: 'EDIT_VERIFY_FAILED',
      file: 'apps/api.yaml',
      line: 9,
      reason: /does not parse/,
    });
  });
});

describe('ranges', () => {
  it('refuses a range that covers only part of a scalar', () => {
    const tagAt = DEPLOYMENT.indexOf('1.25');
    refusal(
      () => applyScalarEdits(DEPLOYMENT, [{ range: [tagAt, tagAt + 4], value: '1.27' }], 'f.yaml'),
      { code: 'EDIT_RANGE_INVALID', file: 'f.yaml', line: 7, reason: /only part of the scalar/ },
    );
  });

  it('accepts a range up to the node end (the yaml package counts a trailing comment in)', () => {
    const end = DEPLOYMENT.indexOf('\n', IMAGE_AT) + 1;
    const out = applyScalarEdits(
      DEPLOYMENT,
      [{ range: [IMAGE_AT, end], value: 'nginx:1.27' }],
      'f.yaml',
    );
    assert.equal(out, DEPLOYMENT.replace('nginx:1.25', 'nginx:1.27'));
  });
});

describe('applyImageEdits', () => {
  it('refuses slots of another file in the same call', () => {
    const mine = slot([IMAGE_AT, IMAGE_AT + 10]);
    const theirs: ImageSlot = { ...mine, file: 'apps/other.yaml', line: 3 };
    refusal(
      () =>
        applyImageEdits(DEPLOYMENT, [
          { slot: mine, to: parseImageRef('nginx:1.27') },
          { slot: theirs, to: parseImageRef('nginx:1.27') },
        ]),
      {
        code: 'EDIT_TARGET_NOT_FOUND',
        file: 'apps/api.yaml',
        line: 3,
        reason: /apps\/other\.yaml/,
      },
    );
  });

  it('returns the text unchanged when the slot already holds the reference', () => {
    const out = applyImageEdits(DEPLOYMENT, [
      { slot: slot([IMAGE_AT, IMAGE_AT + 10]), to: parseImageRef('docker.io/library/nginx:1.25') },
    ]);
    assert.equal(out, DEPLOYMENT);
  });
});
