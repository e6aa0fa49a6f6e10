/**
 * Property: for random YAML files holding one image field, an edit changes nothing outside the
 * field's source range (a byte comparison of prefix and suffix made here, independent of the
 * editor's own verification), and the file re-parses to the intended value, in YAML 1.2 and 1.1.
 * Documents are built as strings from small pieces so that 10,000 cases stay fast; the image
 * scalar's offsets are known from the construction, not from a parser.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { formatImageRef, parseImageRef, withVersion } from '../../../src/image/index.js';
import { applyImageEdits } from '../../../src/manifests/edit/index.js';
import type { ImageSlot, SourceRange } from '../../../src/manifests/types.js';

const RUNS = 10_000;

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,3}(?:-[a-z0-9]{1,3})?$/);
const tag = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,9}$/),
  // Tags that plain YAML would read as something else: they must come back quoted.
  fc.constantFrom(
    '1.10',
    '1.25',
    '0755',
    '1e3',
    '1_000',
    '12',
    'on',
    'yes',
    'No',
    'null',
    'True',
    '0x1F',
    '2001-12-14',
  ),
);
const repository = fc.oneof(
  word,
  fc.tuple(word, word).map(([a, b]) => `${a}/${b}`),
  fc.tuple(word, word).map(([a, b]) => `ghcr.io/${a}/${b}`),
  fc
    .tuple(word, fc.integer({ min: 1, max: 65535 }))
    .map(([a, port]) => `registry.local:${port}/${a}`),
);
const commentText = fc.constantFrom(
  '',
  ' bump me',
  '\tcafé ✓',
  ' key: value',
  ' "quoted"',
  ' # twice',
);
const fillerValue = fc.constantFrom(
  '0755',
  'on',
  'plain words',
  '"double # not a comment"',
  "'it''s'",
  '{a: 1, b: [x, "y"]}',
  '~',
  '',
  '&anchor value',
  '12.50',
  'héllo wörld',
);
const style = fc.constantFrom('plain', 'single', 'double');
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

interface Doc {
  readonly text: string;
  readonly range: SourceRange;
  readonly path: readonly (string | number)[];
  readonly current: string;
  readonly tagOnly: boolean;
}

function quote(value: string, s: string): string {
  if (s === 'single') return `'${value}'`;
  if (s === 'double') return `"${value}"`;
  return value;
}

const docArb = fc
  .record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    header: fc.option(commentText),
    marker: fc.constantFrom('', '---', '--- # start'),
    step: fc.constantFrom(2, 3, 4),
    indentSeq: fc.boolean(),
    flow: fc.boolean(),
    tagOnly: fc.boolean(),
    repo: repository,
    oldTag: tag,
    pinned: fc.option(digest),
    style,
    trailing: fc.option(commentText),
    before: fc.array(fc.tuple(word, fillerValue, fc.option(commentText)), { maxLength: 4 }),
    after: fc.array(fc.tuple(word, fillerValue, fc.option(commentText)), { maxLength: 4 }),
    block: fc.boolean(),
    end: fc.constantFrom('', '...', '---\nkind: Other'),
    finalNewline: fc.boolean(),
  })
  .map((r): Doc => {
    const eol = r.crlf ? '\r\n' : '\n';
    const pad = (n: number) => ' '.repeat(n);
    const comment = (c: string | null) => (c === null ? '' : ` #${c}`);
    const lines: string[] = [];
    if (r.header !== null) lines.push(`#${r.header}`);
    if (r.marker !== '') lines.push(r.marker);
    lines.push('kind: Deployment', 'metadata:', `${pad(r.step)}name: app`, 'spec:');
    const keyIndent = pad(r.step);
    r.before.forEach(([key, v, c], i) => lines.push(`${keyIndent}x${i}-${key}: ${v}${comment(c)}`));
    const field = r.tagOnly ? 'tag' : 'image';
    // Digest pins live in reference-shaped fields here; tag-only fields hold just the tag.
    const pin = r.tagOnly || r.pinned === null ? '' : `@${r.pinned}`;
    const value = quote(r.tagOnly ? r.oldTag : `${r.repo}:${r.oldTag}${pin}`, r.style);
    let prefixOfValue: string;
    let valueLine: number;
    const itemIndent = r.indentSeq ? pad(r.step * 2) : pad(r.step);
    if (r.flow) {
      prefixOfValue = `${keyIndent}containers: [{name: c, ${field}: `;
      valueLine = lines.push(`${prefixOfValue}${value}}]${comment(r.trailing)}`) - 1;
    } else {
      lines.push(`${keyIndent}containers:`);
      prefixOfValue = `${itemIndent}- ${field}: `;
      valueLine = lines.push(`${prefixOfValue}${value}${comment(r.trailing)}`) - 1;
      lines.push(`${itemIndent}  name: c`);
    }
    r.after.forEach(([key, v, c], i) => lines.push(`${keyIndent}y${i}-${key}: ${v}${comment(c)}`));
    if (r.block) lines.push(`${keyIndent}script: |`, `${keyIndent}${pad(r.step)}echo "${r.repo}"`);
    if (r.end !== '') lines.push(...r.end.split('\n'));
    const bom = r.bom ? '\ufeff' : '';
    const body = lines.join(eol) + (r.finalNewline ? eol : '');
    const start =
      bom.length +
      lines.slice(0, valueLine).reduce((n, line) => n + line.length + eol.length, 0) +
      prefixOfValue.length;
    return {
      text: bom + body,
      range: [start, start + value.length],
      path: ['spec', 'containers', 0, field],
      current: `${r.repo}:${r.oldTag}${pin}`,
      tagOnly: r.tagOnly,
    };
  });

function slotFor(doc: Doc, withoutQuotes: boolean): ImageSlot {
  const quoted = /^['"]/.test(doc.text.slice(doc.range[0]));
  const range: SourceRange =
    withoutQuotes && quoted ? [doc.range[0] + 1, doc.range[1] - 1] : doc.range;
  return {
    id: 'default:deployment/app/c',
    file: 'prop.yaml',
    documentIndex: 0,
    yamlPath: '.spec.containers[0].image',
    line: 1,
    shape: doc.tagOnly ? { kind: 'parts', tag: range } : { kind: 'reference', range },
    current: parseImageRef(doc.current),
    workload: undefined,
    container: 'c',
    workloadPolicy: undefined,
    policy: undefined,
    root: '.',
  };
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

describe('image edits (property)', () => {
  it(`change only the edited range and read back as intended (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(docArb, tag, digest, fc.boolean(), (doc, newTag, newDigest, withoutQuotes) => {
        const slot = slotFor(doc, withoutQuotes);
        // Writing the same tag is a no-op, whatever the file holds (see the golden cases).
        fc.pre(newTag !== slot.current.tag);
        // A pinned reference always gets a new digest with its new tag.
        const to = withVersion(
          slot.current,
          newTag,
          slot.current.digest === undefined ? undefined : newDigest,
        );
        const out = applyImageEdits(doc.text, [{ slot, to }]);
        const [start, end] = doc.range;
        // Prefix and suffix, byte for byte.
        const prefix = utf8(doc.text.slice(0, start));
        const suffix = utf8(doc.text.slice(end));
        const bytes = utf8(out);
        assert.ok(bytes.subarray(0, prefix.length).equals(prefix), 'prefix unchanged');
        assert.ok(bytes.subarray(bytes.length - suffix.length).equals(suffix), 'suffix unchanged');
        const intended = doc.tagOnly ? newTag : formatImageRef(to);
        for (const version of ['1.1', '1.2'] as const) {
          const read = parseAllDocuments(out, { version })[0]?.getIn(doc.path);
          assert.equal(read, intended, `YAML ${version} reads ${String(read)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
