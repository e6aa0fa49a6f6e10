/**
 * Discovery benchmark (issue 5): `npx tsx bench/manifests.ts [--quick]`.
 *
 * Corpora, generated in memory and deterministic:
 *   - "5k": 5,000 manifests of about 2 KB (Deployments with a Service, HelmReleases, Helm values
 *     with markers, kustomizations), a third carrying policies;
 *   - "50k": a 50,000-file tree: 10,000 such manifests, 30,000 small objects (Services,
 *     ConfigMaps, RBAC) and 10,000 files that are not YAML (README.md, JSON).
 * Each measurement runs in its own child process so that peak RSS (`maxRSS`) belongs to it:
 *   baseline  decode + `yaml.parseAllDocuments` of every YAML file (what a naive tool does)
 *   cold      `discover()` with an empty cache
 *   warm      `discover()` again after 10 files changed (the cold run first fills the cache;
 *             its peak RSS therefore includes the cold run)
 * Figures are wall-clock medians of `--runs` runs (default 3) on whatever else the machine does.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DiscoveryCache, discover, type ManifestFile } from '../src/manifests/index.js';

type Corpus = '5k' | '50k';
type Phase = 'baseline' | 'cold' | 'warm';

interface Measurement {
  readonly wallMs: number;
  /** User + system CPU time of the timed part: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly corpusRssMiB: number;
  readonly files: number;
  readonly parsed: number;
  readonly slots: number;
}

const encoder = new TextEncoder();

/** A small deterministic PRNG (mulberry32) so every run sees the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function asFile(path: string, text: string): ManifestFile {
  const bytes = encoder.encode(text);
  const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  return { path, oid, mode: '100644', bytes };
}

function policyAnnotations(i: number): string[] {
  if (i % 3 !== 0) return [];
  return i % 2 === 0
    ? ['    tagpilot.io/automated: "true"', `    tagpilot.io/tag.app: semver:~${i % 7}.${i % 5}`]
    : ['    fluxcd.io/automated: "true"', `    fluxcd.io/tag.app: glob:release-${i % 9}-*`];
}

function deployment(i: number, rnd: () => number): string {
  const name = `svc-${i}`;
  const env = Array.from({ length: 6 }, (_, k) => [
    `            - name: SETTING_${k}`,
    `              value: "${Math.floor(rnd() * 1e6)}"`,
  ]).flat();
  return [
    '# Generated service manifest. Owned by the platform team.',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: team-${i % 50}`,
    '  labels:',
    `    app.kubernetes.io/name: ${name}`,
    '    app.kubernetes.io/part-of: shop',
    '  annotations:',
    `    owner: team-${i % 50}@example.com`,
    ...policyAnnotations(i),
    'spec:',
    `  replicas: ${1 + (i % 4)}`,
    '  selector:',
    '    matchLabels:',
    `      app.kubernetes.io/name: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app.kubernetes.io/name: ${name}`,
    '    spec:',
    '      serviceAccountName: default',
    '      initContainers:',
    '        - name: migrate',
    `          image: ghcr.io/acme/migrate:${i % 3}.${i % 10}.0`,
    '      containers:',
    '        - name: app',
    `          image: ghcr.io/acme/${name}:1.${i % 20}.${i % 7} # pinned by CI`,
    '          imagePullPolicy: IfNotPresent',
    '          ports:',
    '            - containerPort: 8080',
    '              name: http',
    '          env:',
    ...env,
    '          resources:',
    '            requests: {cpu: 100m, memory: 128Mi}',
    '            limits: {cpu: "1", memory: 512Mi}',
    '          readinessProbe:',
    '            httpGet: {path: /healthz, port: http}',
    '            periodSeconds: 10',
    '          volumeMounts:',
    '            - name: config',
    '              mountPath: /etc/app',
    '      volumes:',
    '        - name: config',
    '          configMap:',
    `            name: ${name}-config`,
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    `  namespace: team-${i % 50}`,
    'spec:',
    `  selector: {app.kubernetes.io/name: ${name}}`,
    '  ports:',
    '    - port: 80',
    '      targetPort: http',
    '',
  ].join('\n');
}

function helmRelease(i: number): string {
  return [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    `  name: chart-${i}`,
    `  namespace: team-${i % 50}`,
    '  annotations:',
    ...(policyAnnotations(i).length > 0
      ? ['    tagpilot.io/automated: "true"', '    tagpilot.io/tag.chart-image: semver:^2']
      : ['    owner: platform']),
    'spec:',
    '  interval: 10m',
    '  chart:',
    '    spec:',
    '      chart: web',
    '      version: "4.x"',
    '      sourceRef: {kind: HelmRepository, name: acme, namespace: flux-system}',
    '  values:',
    '    image:',
    '      repository: ghcr.io/acme/web',
    `      tag: "2.${i % 9}.1"`,
    '    worker:',
    `      image: ghcr.io/acme/worker:3.${i % 4}.0`,
    ...Array.from({ length: 30 }, (_, k) => `    setting${k}: "value-${k}-${i}"`),
    '',
  ].join('\n');
}

function markedValues(i: number): string {
  const marker = i % 3 === 0 ? ' # {"tagpilot": "semver:~1.4", "image": "ghcr.io/acme/api"}' : '';
  return [
    '# Helm values for the api chart',
    'replicaCount: 2',
    'image:',
    '  repository: ghcr.io/acme/api',
    `  tag: 1.4.${i % 10}${marker}`,
    ...Array.from({ length: 60 }, (_, k) => `config${k}: {enabled: ${k % 2 === 0}, size: ${k}}`),
    '',
  ].join('\n');
}

function kustomization(i: number): string {
  return [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    '  - deployment.yaml',
    'images:',
    '  - name: ghcr.io/acme/api',
    `    newTag: 1.${i % 10}.0${i % 3 === 0 ? ' # {"tagpilot": "semver:^1"}' : ''}`,
    ...Array.from({ length: 40 }, (_, k) => `# note ${k}: overlay ${i} keeps the defaults`),
    '',
  ].join('\n');
}

/** One of the "about 2 KB" manifests; `i` picks the kind (80% workloads). */
function manifest(i: number, rnd: () => number): [name: string, text: string] {
  const kind = i % 20;
  if (kind < 16) return ['deployment.yaml', deployment(i, rnd)];
  if (kind < 18) return ['helmrelease.yaml', helmRelease(i)];
  if (kind < 19) return ['values.yaml', markedValues(i)];
  return ['kustomization.yaml', kustomization(i)];
}

function small(i: number): [name: string, text: string] {
  switch (i % 3) {
    case 0:
      return [
        'service.yaml',
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: s-${i}\nspec:\n  ports: [{port: 80}]\n`,
      ];
    case 1:
      return [
        'configmap.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${i}\ndata:\n  LOG_LEVEL: info\n  FEATURE_X: "on"\n`,
      ];
    default:
      return [
        'rbac.yml',
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r-${i}\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [get, list]\n`,
      ];
  }
}

export function corpus(which: Corpus): ManifestFile[] {
  const rnd = random(42);
  const files: ManifestFile[] = [];
  const manifests = which === '5k' ? 5_000 : 10_000;
  for (let i = 0; i < manifests; i++) {
    const [name, text] = manifest(i, rnd);
    files.push(asFile(`apps/team-${i % 50}/svc-${i}/${name}`, text));
  }
  if (which === '50k') {
    for (let i = 0; i < 30_000; i++) {
      const [name, text] = small(i);
      files.push(asFile(`infra/group-${i % 100}/obj-${i}/${name}`, text));
    }
    for (let i = 0; i < 10_000; i++) {
      const path = i % 2 === 0 ? `docs/page-${i}/README.md` : `data/blob-${i}/data.json`;
      files.push(asFile(path, `# page ${i}\n\nSome text about image ${i}.\n`.repeat(4)));
    }
  }
  return files;
}

/** The same corpus with 10 manifests edited (new tags), as after a small commit. */
function withTenChanged(files: readonly ManifestFile[]): ManifestFile[] {
  const decoder = new TextDecoder();
  // Ten manifests spread over the first 5,000 (every corpus starts with its manifests).
  const touched = new Set(Array.from({ length: 10 }, (_, k) => k * 499));
  return files.map((file, i) =>
    touched.has(i) ? asFile(file.path, `${decoder.decode(file.bytes)}# touched\n`) : file,
  );
}

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

function measure(which: Corpus, phase: Phase): Measurement {
  const files = corpus(which);
  const corpusRssMiB = rssMiB();
  const isYaml = (path: string): boolean => path.endsWith('.yaml') || path.endsWith('.yml');
  let parsed = 0;
  let slots = 0;
  let wallMs: number;
  let cpu = process.cpuUsage();
  if (phase === 'baseline') {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const start = performance.now();
    for (const file of files) {
      if (!isYaml(file.path)) continue;
      parsed++;
      slots += parseAllDocuments(decoder.decode(file.bytes)) instanceof Array ? 1 : 0;
    }
    wallMs = performance.now() - start;
    slots = 0;
  } else if (phase === 'cold') {
    const start = performance.now();
    const result = discover(files, {}, new DiscoveryCache());
    wallMs = performance.now() - start;
    parsed = result.parsed;
    slots = result.slots.length;
  } else {
    const cache = new DiscoveryCache();
    discover(files, {}, cache);
    const changed = withTenChanged(files);
    cpu = process.cpuUsage();
    const start = performance.now();
    const result = discover(changed, {}, cache);
    wallMs = performance.now() - start;
    parsed = result.parsed;
    slots = result.slots.length;
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return { wallMs, cpuMs, peakRssMiB, corpusRssMiB, files: files.length, parsed, slots };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function child(which: Corpus, phase: Phase): Measurement {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', which, phase],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out) as Measurement;
}

function main(argv: readonly string[]): void {
  if (argv[0] === '--child') {
    process.stdout.write(JSON.stringify(measure(argv[1] as Corpus, argv[2] as Phase)));
    return;
  }
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg === -1 ? 3 : Number(argv[runsArg + 1]);
  const corpora: Corpus[] = argv.includes('--quick') ? ['5k'] : ['5k', '50k'];
  console.log(
    `discovery benchmark: ${runs} run(s) each, median wall time, peak RSS of the process`,
  );
  for (const which of corpora) {
    const rows = new Map<Phase, Measurement[]>();
    for (let run = 0; run < runs; run++)
      for (const phase of ['baseline', 'cold', 'warm'] as const)
        rows.set(phase, [...(rows.get(phase) ?? []), child(which, phase)]);
    const first = rows.get('baseline')?.[0];
    console.log(`\ncorpus ${which}: ${first?.files ?? 0} files`);
    console.log(
      'phase      wall ms median (min-max)   CPU ms median   peak RSS MiB  corpus RSS MiB  parsed  slots  speed-up (wall / CPU)',
    );
    const baseline = (rows.get('baseline') ?? []).map((m) => [m.wallMs, m.cpuMs] as const);
    const baseWall = median(baseline.map(([w]) => w));
    const baseCpu = median(baseline.map(([, c]) => c));
    for (const [phase, list] of rows) {
      const walls = list.map((m) => m.wallMs);
      const wall = median(walls);
      const cpu = median(list.map((m) => m.cpuMs));
      const m = list[0];
      if (m === undefined) continue;
      const cells = [
        phase.padEnd(10),
        `${wall.toFixed(0)} (${Math.min(...walls).toFixed(0)}-${Math.max(...walls).toFixed(0)})`.padEnd(
          26,
        ),
        cpu.toFixed(0).padStart(13),
        Math.max(...list.map((x) => x.peakRssMiB))
          .toFixed(0)
          .padStart(14),
        m.corpusRssMiB.toFixed(0).padStart(15),
        String(m.parsed).padStart(7),
        String(m.slots).padStart(6),
        phase === 'baseline'
          ? ''
          : `  ${(baseWall / wall).toFixed(1)}x / ${(baseCpu / cpu).toFixed(1)}x`,
      ];
      console.log(cells.join(' '));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
