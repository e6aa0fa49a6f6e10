/**
 * Property: on random workloads (block or flow metadata, any indentation, LF or CRLF, BOM, with or
 * without annotations and comments), setting an absent annotation adds exactly that key with that
 * value, and removing it again gives back the original file byte for byte.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { applyAnnotationEdit } from '../../../src/manifests/edit/index.js';

const RUNS = 3_000;

const key = fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}(\/[a-z][a-z0-9.-]{0,8})?$/);
const value = fc.oneof(
  fc.stringMatching(/^[a-z0-9:~*.^ -]{0,12}$/),
  fc.constantFrom(
    'true',
    'on',
    '0755',
    '1.10',
    'null',
    '~',
    '',
    'semver:~1.4',
    'a: b',
    'x #y',
    '"q"',
    "it's",
    'café',
  ),
);
const existingValue = fc.constantFrom('team-a', '"quoted"', "'single'", '"0755"', 'v # comment');

const workload = fc
  .record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    step: fc.integer({ min: 1, max: 4 }),
    flow: fc.boolean(),
    existing: fc.uniqueArray(fc.tuple(key, existingValue), { maxLength: 3, selector: ([k]) => k }),
    labels: fc.boolean(),
    finalNewline: fc.boolean(),
    comment: fc.boolean(),
  })
  .map((r) => {
    const pad = ' '.repeat(r.step);
    const lines = ['apiVersion: apps/v1', 'kind: Deployment'];
    if (r.flow) {
      const pairs = r.existing.map(([k, v]) => `${k}: ${v.replace(' # comment', '')}`);
      const annotations = pairs.length === 0 ? '' : `, annotations: {${pairs.join(', ')}}`;
      lines.push(`metadata: {name: api${annotations}}${r.comment ? ' # flow' : ''}`);
    } else {
      lines.push('metadata:', `${pad}name: api${r.comment ? ' # the name' : ''}`);
      if (r.existing.length > 0) {
        lines.push(`${pad}annotations:`);
        for (const [k, v] of r.existing) lines.push(`${pad}${pad}${k}: ${v}`);
      }
      if (r.labels) lines.push(`${pad}labels:`, `${pad}${pad}app: api`);
    }
    lines.push('spec:', `${pad}replicas: 1`);
    const eol = r.crlf ? '\r\n' : '\n';
    return {
      text: (r.bom ? '\ufeff' : '') + lines.join(eol) + (r.finalNewline ? eol : ''),
      keys: new Set(r.existing.map(([k]) => k)),
    };
  });

function annotations(text: string): Record<string, unknown> | undefined {
  const data = parseAllDocuments(text)[0]?.toJS() as {
    metadata: { annotations?: Record<string, unknown> };
  };
  return data.metadata.annotations;
}

describe('annotation edits (property)', () => {
  it(`set then remove an absent key gives the original back (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(workload, key, value, (doc, k, v) => {
        fc.pre(!doc.keys.has(k));
        const target = { documentIndex: 0, objectPath: [] };
        const before = annotations(doc.text) ?? {};
        const added = applyAnnotationEdit(
          doc.text,
          target,
          { op: 'set', key: k, value: v },
          'w.yaml',
        );
        assert.deepEqual(annotations(added), { ...before, [k]: v });
        const removed = applyAnnotationEdit(added, target, { op: 'remove', key: k }, 'w.yaml');
        assert.ok(Buffer.from(removed).equals(Buffer.from(doc.text)), 'original bytes restored');
      }),
      { numRuns: RUNS },
    );
  });
});
