/**
 * The seam with the editor: slots found by discovery, edited by `applyImageEdits`, change
 * exactly the intended characters, and a second discovery reads the new reference back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/image/index.js';
import { applyImageEdits } from '../../../src/manifests/index.js';
import { run, slotById, yaml } from './helpers.js';

const CASES: [
  name: string,
  path: string,
  text: string,
  id: string,
  to: string,
  expected: string,
][] = [
  [
    'a workload container (double-quoted, with a comment and CRLF)',
    'd.yaml',
    'kind: Deployment\r\nmetadata: {name: api}\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n      - name: web\r\n        image: "ghcr.io/acme/api:1.4.2" # bump me\r\n',
    'default:deployment/api/web',
    'ghcr.io/acme/api:1.5.0',
    'kind: Deployment\r\nmetadata: {name: api}\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n      - name: web\r\n        image: "ghcr.io/acme/api:1.5.0" # bump me\r\n',
  ],
  [
    'a HelmRelease image map (tag only changes)',
    'r.yaml',
    yaml(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: r, namespace: prod}',
      'spec:',
      '  values:',
      '    image:',
      '      repository: ghcr.io/acme/api',
      "      tag: '1.4.2'",
    ),
    'prod:helmrelease/r/chart-image',
    'ghcr.io/acme/api:1.5.0',
    yaml(
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: r, namespace: prod}',
      'spec:',
      '  values:',
      '    image:',
      '      repository: ghcr.io/acme/api',
      "      tag: '1.5.0'",
    ),
  ],
  [
    'a Kustomize images entry',
    'kustomization.yaml',
    yaml('images:', '  - name: nginx', '    newTag: "1.25" # {"tagpilot": "semver:^1"}'),
    'kustomization.yaml#.images[0]',
    'nginx:1.27',
    yaml('images:', '  - name: nginx', '    newTag: "1.27" # {"tagpilot": "semver:^1"}'),
  ],
  [
    'a Flux Kustomization spec.images entry (CRLF, comment kept)',
    'clusters/prod/apps.yaml',
    'apiVersion: kustomize.toolkit.fluxcd.io/v1\r\nkind: Kustomization\r\nmetadata: {name: apps}\r\nspec:\r\n  images:\r\n  - name: ghcr.io/acme/api\r\n    newTag: 1.4.2 # pinned by tagpilot\r\n',
    'clusters/prod/apps.yaml#.spec.images[0]',
    'ghcr.io/acme/api:1.4.10',
    'apiVersion: kustomize.toolkit.fluxcd.io/v1\r\nkind: Kustomization\r\nmetadata: {name: apps}\r\nspec:\r\n  images:\r\n  - name: ghcr.io/acme/api\r\n    newTag: 1.4.10 # pinned by tagpilot\r\n',
  ],
  [
    'a marked tag-only scalar',
    'values.yaml',
    yaml(
      '\uFEFF# values ☕',
      'tag: 1.4.2 # {"tagpilot": "semver:~1.4", "image": "ghcr.io/acme/api"}',
    ),
    'values.yaml#.tag',
    'ghcr.io/acme/api:1.4.9',
    yaml(
      '\uFEFF# values ☕',
      'tag: 1.4.9 # {"tagpilot": "semver:~1.4", "image": "ghcr.io/acme/api"}',
    ),
  ],
];

describe('discover → edit: the slots are what the editor needs', () => {
  for (const [name, path, text, id, to, expected] of CASES) {
    it(name, () => {
      const slot = slotById(run({ [path]: text }), id);
      const edited = applyImageEdits(text, [{ slot, to: parseImageRef(to) }]);
      assert.equal(edited, expected);
      assert.equal(slotById(run({ [path]: edited }), id).current.original, to);
    });
  }
});
