/**
 * The two listeners on loopback, end to end: signed and unsigned deliveries, redeliveries, the
 * health endpoints, the status API's tokens and the manual trigger, and `/metrics` read with a
 * Prometheus parser afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { secretPath } from '../../src/server/index.js';
import { github } from '../../src/server/webhooks/github.js';
import { startHarness, type Harness } from '../support/webhooks/harness.js';
import { scrape } from '../support/webhooks/prometheus.js';

const GITHUB_SECRET = 'github-secret-for-tests';
const HUB_SECRET = 'hub-secret-for-tests';

function signedPush(id: string, url = 'https://github.com/acme/deploy.git') {
  const sample = github.sender?.sample({ kind: 'git', gitUrl: url, deliveryId: id });
  assert.ok(sample);
  const auth = github.sender?.authenticate(sample, GITHUB_SECRET, { now: 0, header: '' }) ?? {};
  return { body: sample.body, headers: { ...sample.headers, ...auth } };
}

describe('startServers', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      files: {
        gh: GITHUB_SECRET,
        hub: HUB_SECRET,
        status: 'status-token',
        trigger: 'trigger-token',
      },
      webhooks: {
        receivers: [
          { name: 'gh', type: 'github', secretFile: 'gh' },
          { name: 'hub', type: 'dockerhub', secretFile: 'hub' },
        ],
      },
      server: { statusTokenFile: 'status', triggerTokenFile: 'trigger' },
    });
  });
  after(async () => {
    await h.close();
  });

  it('hands a verified GitHub push to the hook with the URLs it names', async () => {
    const { body, headers } = signedPush('d-1');
    const reply = await h.post('gh', body, headers);
    assert.equal(reply.status, 202);
    assert.equal(reply.body.result, 'triggered');
    const trigger = h.triggers.at(-1);
    assert.ok(trigger?.kind === 'git');
    assert.deepEqual(trigger.urls, ['https://github.com/acme/deploy.git']);
    assert.equal(trigger.receiver, 'gh');
    assert.equal(trigger.deliveryId, 'd-1');
  });

  it('answers a redelivery with 202 and no trigger', async () => {
    const before = h.triggers.length;
    const { body, headers } = signedPush('d-1');
    const reply = await h.post('gh', body, headers);
    assert.equal(reply.status, 202);
    assert.equal(reply.body.result, 'duplicate');
    assert.equal(h.triggers.length, before);
  });

  it('refuses a wrong or missing signature with 401 before reading the payload', async () => {
    const before = h.triggers.length;
    const { body, headers } = signedPush('d-2');
    const wrong = await h.post('gh', body, {
      ...headers,
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    });
    assert.equal(wrong.status, 401);
    const { 'x-hub-signature-256': _dropped, ...unsigned } = headers;
    const missing = await h.post('gh', body, unsigned);
    assert.equal(missing.status, 401);
    // A payload that is not even JSON is refused for its signature, not its syntax.
    const garbage = await h.post('gh', '{not json', headers);
    assert.equal(garbage.status, 401);
    assert.equal(h.triggers.length, before);
  });

  it('serves Docker Hub only at its secret path', async () => {
    const body = JSON.stringify({ repository: { repo_name: 'acme/api' } });
    assert.equal((await h.post('hub', body)).status, 404);
    const reply = await h.post(secretPath(HUB_SECRET, 'hub'), body);
    assert.equal(reply.status, 202);
    const trigger = h.triggers.at(-1);
    assert.deepEqual(
      trigger?.kind === 'image' ? [trigger.registry, trigger.repository, trigger.name] : [],
      ['docker.io', 'acme/api', 'docker.io/acme/api'],
    );
  });

  it('reports no_match when no repository uses what the webhook names', async () => {
    h.answers.trigger = () => ({ kind: 'no_match' });
    try {
      const reply = await h.post(
        secretPath(HUB_SECRET, 'hub'),
        JSON.stringify({ repository: { repo_name: 'acme/other' } }),
      );
      assert.equal(reply.status, 202);
      assert.equal(reply.body.result, 'no_match');
    } finally {
      h.answers.trigger = () => ({ kind: 'queued', repositories: ['deploy'] });
    }
  });

  it('answers /livez and /readyz from its own checks and the hooks', async () => {
    const live = await fetch(`${h.servers.health.url}/livez`);
    assert.equal(live.status, 200);
    const liveBody = (await live.json()) as { checks: { name: string; ok: boolean }[] };
    assert.deepEqual(
      liveBody.checks.map((c) => c.name),
      ['event-loop', 'main-loop'],
    );
    assert.equal((await fetch(`${h.servers.health.url}/readyz`)).status, 200);
    h.answers.ready = {
      checks: [{ name: 'repositories', ok: false, detail: 'deploy not reached yet' }],
    };
    const notReady = await fetch(`${h.servers.health.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.match(await notReady.text(), /deploy not reached yet/);
    h.answers.ready = { checks: [{ name: 'repositories', ok: true }] };
  });

  it('protects the status API with its bearer token', async () => {
    const url = `${h.servers.health.url}/api/v1/status`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer status-token' } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { apiVersion: string }).apiVersion, 'tagpilot.status/v1');
  });

  it('queues a manual trigger only with the trigger token', async () => {
    const url = `${h.servers.health.url}/api/v1/repositories/deploy/trigger`;
    assert.equal((await fetch(url, { method: 'POST' })).status, 401);
    assert.equal(
      (await fetch(url, { method: 'POST', headers: { authorization: 'Bearer status-token' } }))
        .status,
      401,
    );
    const ok = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer trigger-token' },
    });
    assert.equal(ok.status, 202);
    assert.deepEqual(h.manual, ['deploy']);
  });

  it('counts every outcome in /metrics', async () => {
    const metrics = await scrape(`${h.servers.health.url}/metrics`);
    const count = (receiver: string, outcome: string) =>
      metrics.value('tagpilot_webhook_requests_total', { receiver, outcome });
    assert.equal(count('gh', 'triggered'), 1);
    assert.equal(count('gh', 'duplicate'), 1);
    assert.equal(count('gh', 'unauthorized'), 3);
    assert.equal(count('hub', 'triggered'), 1);
    assert.equal(count('hub', 'no_match'), 1);
    assert.equal(count('unknown', 'not_found'), 1);
    assert.equal(metrics.value('tagpilot_build_info', { version: '0.0.0-test' }), 1);
  });
});
