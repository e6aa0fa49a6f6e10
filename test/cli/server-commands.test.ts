/**
 * `tagpilot status`, `trigger` and `webhook test|url` against the real HTTP servers on loopback
 * (started with recording hooks), run in process through the same `main` as bin/tagpilot.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { secretPath, STATUS_API_VERSION, type StatusReport } from '../../src/server/index.js';
import { runCli } from '../support/cli.js';
import { EMPTY_STATUS, startHarness, type Harness } from '../support/webhooks/harness.js';

const STATUS: StatusReport = {
  ...EMPTY_STATUS,
  apiVersion: STATUS_API_VERSION,
  repositories: [
    {
      name: 'deploy',
      url: 'https://git.example.com/acme/deploy.git',
      branch: 'main',
      pushBranch: null,
      owned: true,
      state: 'idle',
      suspended: false,
      lastSuccessAt: new Date(Date.now() - 60_000).toISOString(),
      nextDueAt: null,
      pending: ['registry_webhook'],
      cycles: [
        {
          trigger: 'registry_webhook',
          result: 'committed',
          startedAt: new Date(Date.now() - 60_000).toISOString(),
          finishedAt: new Date(Date.now() - 59_000).toISOString(),
          durationMs: 1000,
          workloads: 2,
          updates: 1,
          commit: 'abc123',
          registryRequests: 3,
          problems: [],
        },
      ],
      commits: [],
      updatesToday: 1,
      updatesThisWeek: 4,
      problems: [
        { code: 'GIT_AUTH', message: 'token ghp_supersecret refused', transient: false, at: null },
      ],
      workloads: [],
    },
  ],
};

describe('status, trigger and webhook commands', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      files: {
        status: 'status-token',
        trigger: 'trigger-token',
        gh: 'gh-secret',
        hub: 'hub-secret',
      },
      server: { statusTokenFile: 'status', triggerTokenFile: 'trigger' },
      webhooks: {
        receivers: [
          { name: 'gh', type: 'github', secretFile: 'gh' },
          { name: 'hub', type: 'dockerhub', secretFile: 'hub' },
        ],
      },
    });
    h.answers.status = STATUS;
  });
  after(async () => {
    await h.close();
  });

  it('status prints the repositories as a table, and the document as JSON', async () => {
    const server = h.servers.health.url;
    const table = await runCli([
      'status',
      '--server',
      server,
      '--token-file',
      join(h.dir, 'status'),
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^REPOSITORY\s+STATE/m);
    assert.match(table.stdout, /deploy\s+idle\s+committed \(registry_webhook\) \d+s ago/);
    const json = await runCli([
      'status',
      '--server',
      server,
      '--token-file',
      join(h.dir, 'status'),
      '-o',
      'json',
    ]);
    assert.equal(json.code, 0);
    assert.equal((JSON.parse(json.stdout) as StatusReport).repositories[0]?.updatesThisWeek, 4);
  });

  it('status redacts registered secrets from the API answer', async () => {
    const json = await runCli([
      'status',
      '--server',
      h.servers.health.url,
      '--token-file',
      join(h.dir, 'status'),
      '-o',
      'json',
    ]);
    // The harness's redactor knows the secret files' contents; the status token itself is one.
    assert.doesNotMatch(json.stdout, /status-token/);
  });

  it('status without the token exits 1 saying what is missing; a bad URL exits 2', async () => {
    const denied = await runCli(['status', '--server', h.servers.health.url]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /--token-file/);
    const bad = await runCli(['status', '--server', 'not a url']);
    assert.equal(bad.code, 2);
  });

  it('trigger queues a cycle with the trigger token and exits 1 when refused', async () => {
    const ok = await runCli([
      'trigger',
      'deploy',
      '--server',
      h.servers.health.url,
      '--token-file',
      join(h.dir, 'trigger'),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /queued a cycle of deploy/);
    assert.deepEqual(h.manual, ['deploy']);
    h.answers.manual = () => ({ kind: 'unknown_repository' });
    const unknown = await runCli([
      'trigger',
      'nope',
      '--server',
      h.servers.health.url,
      '--token-file',
      join(h.dir, 'trigger'),
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no repository named nope/);
    const wrong = await runCli([
      'trigger',
      'deploy',
      '--server',
      h.servers.health.url,
      '--token-file',
      join(h.dir, 'status'),
    ]);
    assert.equal(wrong.code, 1);
  });

  it('webhook test signs a sample the way the sender does', async () => {
    const before = h.triggers.length;
    const ok = await runCli([
      'webhook',
      'test',
      '--type',
      'github',
      '--secret-file',
      join(h.dir, 'gh'),
      '--url',
      `${h.servers.webhooks.url}/hook/gh`,
      '--git-url',
      'https://github.com/acme/deploy.git',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /HTTP 202/);
    assert.equal(h.triggers.length, before + 1);
    await writeFile(join(h.dir, 'wrong'), 'not-the-secret\n');
    const refused = await runCli([
      'webhook',
      'test',
      '--type',
      'github',
      '--secret-file',
      join(h.dir, 'wrong'),
      '--url',
      `${h.servers.webhooks.url}/hook/gh`,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /HTTP 401/);
  });

  it('webhook test builds a secret path from --name, and webhook url prints it', async () => {
    const ok = await runCli([
      'webhook',
      'test',
      '--type',
      'dockerhub',
      '--secret-file',
      join(h.dir, 'hub'),
      '--url',
      h.servers.webhooks.url,
      '--name',
      'hub',
      '--image',
      'docker.io/acme/api',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.doesNotMatch(ok.stdout, /[0-9a-f]{64}/, 'the secret path is not printed by test');
    const trigger = h.triggers.at(-1);
    assert.equal(trigger?.kind === 'image' ? trigger.name : '', 'docker.io/acme/api');
    const url = await runCli([
      'webhook',
      'url',
      '--name',
      'hub',
      '--secret-file',
      join(h.dir, 'hub'),
      '--base',
      'https://hooks.example.com',
    ]);
    assert.equal(url.code, 0);
    assert.equal(
      url.stdout.trim(),
      `https://hooks.example.com/hook/${secretPath('hub-secret', 'hub')}`,
    );
  });

  it('webhook test refuses what it cannot send with exit 2', async () => {
    const gcr = await runCli([
      'webhook',
      'test',
      '--type',
      'gcr',
      '--secret-file',
      join(h.dir, 'gh'),
      '--url',
      'http://127.0.0.1:1/',
    ]);
    assert.equal(gcr.code, 2);
    assert.match(gcr.stderr, /gcloud pubsub/);
    const mismatch = await runCli([
      'webhook',
      'test',
      '--type',
      'gitlab',
      '--image',
      'nginx',
      '--secret-file',
      join(h.dir, 'gh'),
      '--url',
      'http://127.0.0.1:1/',
    ]);
    assert.equal(mismatch.code, 2);
    const unknown = await runCli([
      'webhook',
      'test',
      '--type',
      'nope',
      '--secret-file',
      'x',
      '--url',
      'http://x',
    ]);
    assert.equal(unknown.code, 2);
  });
});
