/**
 * Discovery parses with js-yaml's events; the editor with the `yaml` package. This test holds
 * them to one convention (types.ts, SourceRange): every range discovery gives is exactly the
 * `range[0]..range[1]` of a scalar node of the `yaml` package in the same document, and for
 * single-scalar slots the YAML path leads `yaml` to that very node.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import type { ImageSlot, SourceRange } from '../../../src/manifests/index.js';
import { run, yaml } from './helpers.js';

const FIXTURES: Record<string, string> = {
  'quotes.yaml': yaml(
    'kind: Pod',
    'metadata: {name: p, annotations: {tagpilot.io/automated: "true"}}',
    'spec:',
    '  containers:',
    "    - {name: a, image: 'nginx:1.25'}",
    '    - name: b',
    '      image: "ghcr.io/acme/b:1.0"   # trailing',
    '    - name: c',
    '      image:    &anchored   ghcr.io/acme/c:2.0',
    '    - name: d',
    '      image: !!str ghcr.io/acme/d:3.0',
    '    - name: e',
    '      image: "ghcr.io/acme/\\u0065:4.0"',
  ),
  'crlf-bom.yaml': `\uFEFF---\r\nkind: Job\r\nmetadata:\r\n  name: j\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n      - name: x\r\n        image: ghcr.io/acme/x:1.0 # {"tagpilot": "semver:^1"}\r\n`,
  'values.yaml': yaml(
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata: {name: r}',
    'spec:',
    '  values:',
    '    image: {registry: ghcr.io, repository: "acme/api", tag: \'1.4.2\'}',
    '    worker:',
    '      image: acme/worker',
    '      tag: 2.0.0',
    '    "dotted.key":',
    '      image: nginx:1.25 # {"tagpilot": "semver:^1"}',
  ),
  'k/kustomization.yaml': yaml(
    'images:',
    '  - name: nginx',
    '    newName: "mirror/nginx"',
    "    newTag: '1.25'",
    '    digest: sha256:' + 'c'.repeat(64),
  ),
  'flux.yaml': yaml(
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata: {name: apps, namespace: flux-system}',
    'spec:',
    '  images:',
    '    - name: nginx',
    '      newName:   "mirror/nginx"  # trailing',
    "      newTag: &t '1.25'",
    '    - {name: ghcr.io/acme/api, newTag: 1.4.2, digest: "sha256:' + 'd'.repeat(64) + '"}',
  ),
  'odd.yaml': yaml('"a.b":', '  - image: x:1 # {"tagpilot": "semver:^1"}'),
  'multi.yaml': `---\n...\n---\n# c\nkind: Pod\nmetadata: {name: m}\nspec:\n  containers:\n  - name: z\n    image: z:1\n---\n`,
};

function scalarRanges(document: Document): Set<string> {
  const out = new Set<string>();
  visit(document, {
    Scalar(_key, node) {
      if (node.range) out.add(`${node.range[0]},${node.range[1]}`);
    },
  });
  return out;
}

/** `.a.b[0]["c.d"]` → ['a', 'b', 0, 'c.d'] */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const pattern = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push(JSON.parse(match[3] ?? '""') as string);
  }
  return out;
}

function rangesOf(slot: ImageSlot): SourceRange[] {
  const shape = slot.shape;
  if (shape.kind === 'reference') return [shape.range];
  return [shape.registry, shape.repository, shape.tag, shape.digest].filter((r) => r !== undefined);
}

describe('discover: ranges agree with the yaml package', () => {
  const result = run(FIXTURES);
  it('found the slots of every fixture', () => {
    assert.equal(result.slots.length, 14, result.slots.map((s) => s.id).join(' '));
    assert.deepEqual(result.notes, []);
  });
  for (const slot of result.slots) {
    it(slot.id, () => {
      const text = FIXTURES[slot.file] ?? '';
      const documents = parseAllDocuments(text);
      assert.ok(Array.isArray(documents));
      const document = documents[slot.documentIndex];
      assert.ok(document !== undefined);
      const known = scalarRanges(document);
      for (const [start, end] of rangesOf(slot))
        assert.ok(known.has(`${start},${end}`), `${start},${end} is not a yaml scalar range`);
      if (slot.shape.kind === 'reference') {
        const node = document.getIn(segments(slot.yamlPath), true);
        assert.ok(isScalar(node));
        assert.deepEqual(node.range?.slice(0, 2), [...slot.shape.range]);
        assert.equal(String(node.value), slot.current.original);
      }
    });
  }
});
