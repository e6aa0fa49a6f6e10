/**
 * Golden cases: test/manifests/testdata/<case>/{original,expected}/<file> plus edits.json. Each
 * expected file is the original with only the intended characters changed (written by hand, not
 * by the editor); error cases have no expected directory and name the error code and line.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  discoverFile,
  type ImageEdit,
  type ImageSlot,
  type SourceRange,
} from '../../../src/manifests/index.js';
import {
  applyAnnotationEdit,
  applyImageEdits,
  ManifestEditError,
} from '../../../src/manifests/edit/index.js';
import { readText, slotFor, type CaseSpec } from './golden-support.js';

function rangesOf(slot: ImageSlot): SourceRange[] {
  const shape = slot.shape;
  if (shape.kind === 'reference') return [shape.range];
  return [shape.registry, shape.repository, shape.tag, shape.digest].filter(
    (range): range is SourceRange => range !== undefined,
  );
}

/**
 * The same edits with the slots discovery finds (the contract in src/manifests/types.ts), matched
 * to the hand-built slots by the scalars they cover; undefined when discovery finds no such slot
 * (e.g. a Helm values map it does not recognise), so the case is covered by the first pass only.
 */
function viaDiscovery(
  spec: CaseSpec,
  original: string,
  edits: readonly ImageEdit[],
): ImageEdit[] | undefined {
  const found = discoverFile({
    path: spec.file,
    oid: '',
    mode: '100644',
    bytes: Buffer.from(original, 'utf8'),
  }).slots;
  const out: ImageEdit[] = [];
  for (const edit of edits) {
    const wanted = rangesOf(edit.slot).map(([start]) => start);
    const slot = found.find(
      (candidate) =>
        candidate.documentIndex === edit.slot.documentIndex &&
        wanted.every((start) =>
          rangesOf(candidate).some(([from, to]) => from <= start && start < to),
        ),
    );
    if (slot === undefined) return undefined;
    out.push({ slot, to: edit.to });
  }
  return out;
}

const TESTDATA = new URL('../testdata/', import.meta.url).pathname;

function run(spec: CaseSpec, original: string): string {
  const images = spec.edits.flatMap((edit) =>
    edit.type === 'annotation' ? [] : [slotFor(original, spec.file, edit, spec.rangeWithoutQuotes)],
  );
  let text = images.length === 0 ? original : applyImageEdits(original, images);
  for (const edit of spec.edits) {
    if (edit.type !== 'annotation') continue;
    const change =
      edit.op === 'set'
        ? { op: 'set' as const, key: edit.key, value: edit.value ?? '' }
        : { op: 'remove' as const, key: edit.key };
    text = applyAnnotationEdit(
      text,
      { documentIndex: edit.document, objectPath: edit.object },
      change,
      spec.file,
    );
  }
  return text;
}

const cases = readdirSync(TESTDATA).sort();
const discovered: [string, boolean][] = [];

describe('golden manifest edits', () => {
  it('has the cases the issue lists', () => {
    for (const name of [
      'flux-common-case',
      'flux-tag-with-dots',
      'flux-minimal-dockerhub-name',
      'flux-reordered-keys',
      'flux-single-quoted',
      'flux-multidoc',
      'flux-list',
      'flux-helmrelease-image-map',
      'flux-initcontainer',
      'flux-comment-on-name-line',
      'annotation-set-existing',
      'annotation-add-key-crlf',
      'annotation-create-map-four-spaces',
      'annotation-remove-key',
    ])
      assert.ok(cases.includes(name), name);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(TESTDATA, name);
      const spec = JSON.parse(readFileSync(join(dir, 'edits.json'), 'utf8')) as CaseSpec;
      const original = readText(join(dir, 'original', spec.file));
      if (spec.error !== undefined) {
        const { code, line } = spec.error;
        assert.throws(
          () => run(spec, original),
          (error: unknown) =>
            error instanceof ManifestEditError &&
            error.code === code &&
            error.line === line &&
            error.file === spec.file,
        );
        assert.equal(existsSync(join(dir, 'expected')), false);
        return;
      }
      const expected = readFileSync(join(dir, 'expected', spec.file));
      const output = Buffer.from(run(spec, original), 'utf8');
      assert.equal(output.toString('utf8'), expected.toString('utf8'));
      assert.ok(output.equals(expected), 'byte-identical to the expected file');
      const mine = spec.edits.flatMap((edit) =>
        edit.type === 'annotation' ? [] : [slotFor(original, spec.file, edit)],
      );
      if (mine.length === spec.edits.length) {
        const theirs = viaDiscovery(spec, original, mine);
        if (theirs !== undefined)
          assert.equal(
            applyImageEdits(original, theirs),
            expected.toString('utf8'),
            'via discovery',
          );
        discovered.push([name, theirs !== undefined]);
      }
    });
  }
});

describe('golden cases through discovery', () => {
  it('matched every Flux v1 case to discovery slots', () => {
    const matched = new Map(discovered);
    for (const name of [
      'flux-common-case',
      'flux-list',
      'flux-multidoc',
      'flux-initcontainer',
      'flux-reordered-keys',
      'flux-helmrelease-image-map',
      'edge-kitchen-sink',
      'flux-kustomization-images',
    ])
      assert.equal(matched.get(name), true, name);
  });
});
