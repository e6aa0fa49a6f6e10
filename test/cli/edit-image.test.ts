import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const MANIFEST = `# fleet/api.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: 'ghcr.io/acme/migrate:7'
      containers:
      - name: api
        image: ghcr.io/acme/api:1.4.2 # bump me
      - name: proxy
        image: nginx:1.25
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: prod
spec:
  template:
    spec:
      containers:
      - name: worker
        image: ghcr.io/acme/worker:3.0.0
`;

function fixture(text = MANIFEST, mode = 0o640): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tagpilot-edit-image-'));
  const file = join(dir, 'api.yaml');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return { dir, file };
}

describe('tagpilot edit-image', () => {
  it('prints the file with only the image changed', async () => {
    const { dir } = fixture();
    const result = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--container',
        'api',
        '--image',
        'ghcr.io/acme/api:1.5.0',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, MANIFEST.replace('api:1.4.2 #', 'api:1.5.0 #'));
    assert.equal(
      readFileSync(join(dir, 'api.yaml'), 'utf8'),
      MANIFEST,
      'file untouched without --in-place',
    );
  });

  it('keeps the spelling the file uses and edits initContainers and quoted values', async () => {
    const { dir } = fixture();
    const proxy = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:Deployment/api',
        '--container',
        'proxy',
        '--image',
        'docker.io/library/nginx:1.27',
      ],
      { cwd: dir },
    );
    assert.equal(proxy.code, 0, proxy.stderr);
    assert.equal(proxy.stdout, MANIFEST.replace('image: nginx:1.25', 'image: nginx:1.27'));
    const migrate = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--container',
        'migrate',
        '--image',
        'ghcr.io/acme/migrate:8',
      ],
      { cwd: dir },
    );
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.equal(
      migrate.stdout,
      MANIFEST.replace("'ghcr.io/acme/migrate:7'", "'ghcr.io/acme/migrate:8'"),
    );
  });

  it('rewrites the file in place, atomically, keeping its mode', async () => {
    const { dir, file } = fixture(MANIFEST.replaceAll('\n', '\r\n'), 0o604);
    const result = await runCli(
      [
        'edit-image',
        file,
        '--workload',
        'prod:deployment/worker',
        '--container',
        'worker',
        '--image',
        'ghcr.io/acme/worker:3.1.0',
        '--in-place',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(
      readFileSync(file, 'utf8'),
      MANIFEST.replaceAll('\n', '\r\n').replace('worker:3.0.0', 'worker:3.1.0'),
    );
    assert.equal(statSync(file).mode & 0o777, 0o604);
    assert.deepEqual(readdirSync(dir), ['api.yaml'], 'no temporary file left behind');
  });

  it('exits 1 naming the workloads there when the workload is unknown', async () => {
    const { dir } = fixture();
    const result = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/web',
        '--container',
        'web',
        '--image',
        'nginx:1.27',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /api\.yaml: no workload prod:deployment\/web; workloads here: prod:deployment\/api, prod:deployment\/worker/,
    );
  });

  it('exits 1 naming the containers there when the container is unknown', async () => {
    const { dir } = fixture();
    const result = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--container',
        'web',
        '--image',
        'nginx:1.27',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /prod:deployment\/api has no container "web"; containers: migrate, api, proxy/,
    );
  });

  it('exits 2 for an invalid image reference or workload id', async () => {
    const { dir } = fixture();
    const badRef = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--container',
        'api',
        '--image',
        'Acme/API:1',
      ],
      { cwd: dir },
    );
    assert.equal(badRef.code, 2);
    assert.match(badRef.stderr, /invalid image reference "Acme\/API:1"/);
    const badId = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod-deployment-api',
        '--container',
        'api',
        '--image',
        'nginx:1.27',
      ],
      { cwd: dir },
    );
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /invalid workload id "prod-deployment-api"/);
  });

  it('exits 1 with file and line when the editor refuses, and leaves the file alone', async () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const pinned = MANIFEST.replace('api:1.4.2', `api:1.4.2@${digest}`);
    const { dir, file } = fixture(pinned);
    const result = await runCli(
      [
        'edit-image',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--container',
        'api',
        '--image',
        'ghcr.io/acme/api:1.5.0',
        '--in-place',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /api\.yaml:15: container "api" pins a digest/);
    assert.equal(readFileSync(file, 'utf8'), pinned);
  });
});

describe('tagpilot edit-annotation', () => {
  it('adds an annotation, creating the map in the file’s indentation', async () => {
    const { dir } = fixture();
    const result = await runCli(
      [
        'edit-annotation',
        'api.yaml',
        '--workload',
        'prod:deployment/worker',
        '--set',
        'tagpilot.io/policy.worker=semver:~3',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      MANIFEST.replace(
        '  name: worker\n  namespace: prod\n',
        '  name: worker\n  namespace: prod\n  annotations:\n    tagpilot.io/policy.worker: semver:~3\n',
      ),
    );
  });

  it('removes an annotation in place', async () => {
    const annotated = MANIFEST.replace(
      '  name: api\n',
      '  name: api\n  annotations:\n    tagpilot.io/automated: "true"\n    team: a\n',
    );
    const { dir, file } = fixture(annotated);
    const result = await runCli(
      [
        'edit-annotation',
        'api.yaml',
        '--workload',
        'prod:deployment/api',
        '--remove',
        'tagpilot.io/automated',
        '--in-place',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      readFileSync(file, 'utf8'),
      annotated.replace('    tagpilot.io/automated: "true"\n', ''),
    );
  });

  it('exits 2 without exactly one of --set and --remove', async () => {
    const { dir } = fixture();
    const result = await runCli(
      ['edit-annotation', 'api.yaml', '--workload', 'prod:deployment/api'],
      {
        cwd: dir,
      },
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /exactly one of --set/);
  });
});
