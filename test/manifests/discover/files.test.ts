import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discover } from '../../../src/manifests/index.js';
import { file, messages, run, shapeText, slotById, yaml } from './helpers.js';

const POD = yaml(
  'kind: Pod',
  'metadata: {name: p}',
  'spec:',
  '  containers:',
  '    - name: a',
  '      image: nginx:1.25',
);

describe('discover: file handling', () => {
  it('skips bytes that are not UTF-8 with a note, never crashing', () => {
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('kind: Pod\nimage: caf'),
      0xe9,
      0x0a,
    ]);
    const result = discover([file('bad.yaml', latin1), file('good.yaml', POD)]);
    assert.deepEqual(
      result.slots.map((s) => s.id),
      ['default:pod/p/a'],
    );
    assert.deepEqual(messages(result), [
      'warning bad.yaml:-:- not UTF-8 text; skipped and never rewritten',
    ]);
  });

  it('keeps a BOM: ranges are offsets into the decoded text with the BOM at index 0', () => {
    const text = `\uFEFF${POD}`;
    const result = run({ 'bom.yaml': text });
    const slot = slotById(result, 'default:pod/p/a');
    assert.deepEqual(shapeText(text, slot), { reference: 'nginx:1.25' });
    assert.equal(slot.shape.kind === 'reference' && slot.shape.range[0], text.indexOf('nginx'));
  });

  it('CRLF line endings: ranges and lines stay exact', () => {
    const text = POD.replaceAll('\n', '\r\n');
    const slot = slotById(run({ 'crlf.yaml': text }), 'default:pod/p/a');
    assert.deepEqual(shapeText(text, slot), { reference: 'nginx:1.25' });
    assert.equal(slot.line, 6);
  });

  it('non-ASCII text before the image does not shift ranges (character offsets)', () => {
    const text = POD.replace('kind: Pod', '# café ☕ 𝄞\nkind: Pod');
    const slot = slotById(run({ 'u.yaml': text }), 'default:pod/p/a');
    assert.deepEqual(shapeText(text, slot), { reference: 'nginx:1.25' });
  });

  it('skips Helm templates with an info note', () => {
    const templates = {
      'chart/templates/a.yaml': yaml(
        '{{- if .Values.enabled }}',
        'kind: Pod',
        'image: {{ .Values.image }}',
        '{{- end }}',
      ),
      'chart/templates/b.yaml': yaml(
        'kind: Pod',
        'metadata: {name: p}',
        'spec:',
        '  containers:',
        '    - name: a',
        '      image: repo:{{ .Values.tag }}',
      ),
    };
    const result = run(templates);
    assert.deepEqual(result.slots, []);
    assert.deepEqual(
      result.notes.map((n) => [n.file, n.severity]),
      [
        ['chart/templates/a.yaml', 'info'],
        ['chart/templates/b.yaml', 'info'],
      ],
    );
    assert.ok(result.notes.every((n) => n.message.includes('{{ }}')));
  });

  it('{{ }} in a comment is not a template', () => {
    const result = run({ 'c.yaml': `# rendered from {{ .Values.image }} upstream\n${POD}` });
    assert.deepEqual(result.notes, []);
    assert.equal(result.slots.length, 1);
  });

  it('{{ }} inside quoted strings is data, not a template (Argo Workflows)', () => {
    const text =
      POD + yaml('---', 'kind: Workflow', 'spec:', '  args: ["{{inputs.parameters.x}}"]');
    const result = run({ 'wf.yaml': text });
    assert.deepEqual(result.notes, []);
    assert.equal(result.slots.length, 1);
  });

  const malformed: [string, string, number, number, RegExp][] = [
    [
      'an unclosed flow sequence',
      yaml('kind: Pod', 'image: [a, b', 'x: 1'),
      3,
      1,
      /malformed YAML: .+/,
    ],
    [
      'bad indentation',
      yaml('kind: Pod', 'metadata:', '  name: a', ' image: b'),
      4,
      2,
      /malformed YAML: .+/,
    ],
    ['an unterminated quote', yaml('kind: Pod', 'image: "nginx:1.25'), 3, 1, /malformed YAML: .+/],
  ];
  for (const [name, text, line, column, pattern] of malformed) {
    it(`malformed YAML (${name}) is an error with file, line, column and reason`, () => {
      const result = run({ 'broken.yaml': text, 'good.yaml': POD });
      assert.equal(result.slots.length, 1);
      assert.equal(result.notes.length, 1);
      const note = result.notes[0]!;
      assert.equal(note.severity, 'error');
      assert.equal(note.file, 'broken.yaml');
      assert.deepEqual([note.line, note.column], [line, column]);
      assert.match(note.message, pattern);
    });
  }

  it('reads .yaml and .yml only (and Kustomization), nothing else', () => {
    const result = run({ 'a.yml': POD, 'b.json': POD, 'c.yaml.bak': POD, 'README.md': POD });
    assert.deepEqual(
      result.slots.map((s) => s.file),
      ['a.yml'],
    );
    assert.equal(result.considered, 1);
  });

  it('pre-screens files that hold nothing to look for: read, never parsed', () => {
    const result = run({ 'cm.yaml': yaml('kind: ConfigMap', 'data: {a: "1"}'), 'pod.yaml': POD });
    assert.equal(result.parsed, 1);
    assert.equal(result.screenedOut, 1);
  });

  it('honours configured paths and include/exclude globs', () => {
    const named = (name: string): string => POD.replace('name: p', `name: ${name}`);
    const files = {
      'apps/a.yaml': named('a'),
      'apps/test/b.yaml': named('b'),
      'infra/c.yaml': named('c'),
      'apps/.hidden/d.yaml': named('d'),
    };
    const files2 = (options: Parameters<typeof run>[1]): string[] =>
      run(files, options).slots.map((s) => s.file);
    assert.deepEqual(files2({ paths: ['apps'] }), [
      'apps/.hidden/d.yaml',
      'apps/a.yaml',
      'apps/test/b.yaml',
    ]);
    assert.deepEqual(files2({ paths: ['./apps/'], exclude: ['**/test/**', 'apps/.hidden/**'] }), [
      'apps/a.yaml',
    ]);
    assert.deepEqual(files2({ include: ['infra/**'] }), ['infra/c.yaml']);
  });

  it('empty documents and document markers are fine', () => {
    const text = `---\n...\n---\n${POD}...\n---\n`;
    const result = run({ 'e.yaml': text });
    assert.deepEqual(
      result.slots.map((s) => [s.id, s.documentIndex]),
      [['default:pod/p/a', 1]],
    );
    assert.deepEqual(result.notes, []);
  });
});
