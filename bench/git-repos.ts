/**
 * The repositories bench/git.ts measures on, shared by the orchestrator (which builds them and
 * edits them with the git CLI) and by bench/git-step.ts (which edits them with tagpilot).
 *
 * Two shapes of N files:
 *   deep    every file in its own directory (`apps/team<i%50>/svc<i/50>/deploy-<i>.yaml`): as many
 *           trees as blobs, the worst case for tree work (about 2N objects);
 *   gitops  directories of 50 files (`clusters/prod/team<d%20>/app<d>/…`), one file in ten a
 *           Deployment with an image, seven in ten other small YAML objects, two in ten not YAML
 *           (README.md, values.json): about N + N/50 objects, what a GitOps repository looks like.
 */
export type Shape = 'deep' | 'gitops';

export function isShape(text: string): text is Shape {
  return text === 'deep' || text === 'gitops';
}

export function filePath(shape: Shape, i: number): string {
  if (shape === 'deep') return `apps/team${i % 50}/svc${Math.floor(i / 50)}/deploy-${i}.yaml`;
  const dir = Math.floor(i / 50);
  const kind = i % 10;
  const name = kind === 8 ? `README-${i}.md` : kind === 9 ? `values-${i}.json` : `res-${i}.yaml`;
  return `clusters/prod/team${dir % 20}/app${dir}/${name}`;
}

/** True for the files that carry an image (the ones an update edits). */
export function isManifest(shape: Shape, i: number): boolean {
  return shape === 'deep' || i % 10 === 0;
}

export function fileText(shape: Shape, i: number, tag: string): string {
  if (isManifest(shape, i))
    return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.test/team/svc-${i}:${tag}\n`;
  const kind = i % 10;
  if (kind === 8) return `# app ${i}\n\nOwned by team ${i % 20}.\n`;
  if (kind === 9) return `{"replicas": ${i % 5}, "name": "svc-${i}"}\n`;
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i}\ndata:\n  key: "${i}"\n`;
}

/** The manifests an update of `n` files edits (at most every one): spread over the repository. */
export function editedFiles(shape: Shape, count: number, n: number): number[] {
  const manifests = shape === 'deep' ? count : Math.ceil(count / 10);
  const edited = Math.min(n, manifests);
  const step = manifests / (edited + 1);
  return Array.from({ length: edited }, (_, k) => {
    const m = Math.floor((k + 1) * step);
    return shape === 'deep' ? m : m * 10;
  });
}
