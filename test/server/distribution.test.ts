/**
 * A real sender: Debian's docker-registry (CNCF Distribution 2.8) on loopback, configured with a
 * notification endpoint (configuration.md "notifications") that carries the receiver's secret in
 * its `headers`, sends its own notification to the `distribution` receiver after a real push.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pusher, makeImage } from '../support/registry/images.js';
import { startRealRegistry, type RealRegistry } from '../support/registry/real-registry.js';
import { startHarness, type Harness } from '../support/webhooks/harness.js';
import { scrape } from '../support/webhooks/prometheus.js';

const SECRET = 'distribution-notification-secret';

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('distribution receiver with a real docker-registry', () => {
  let h: Harness;
  let registry: RealRegistry;

  before(async () => {
    h = await startHarness({
      files: { secret: SECRET },
      webhooks: { receivers: [{ name: 'dist', type: 'distribution', secretFile: 'secret' }] },
    });
    const endpoint = (name: string, secret: string) => `    - name: ${name}
      url: ${h.servers.webhooks.url}/hook/dist
      headers:
        Authorization: [Bearer ${secret}]
      timeout: 2s
      threshold: 3
      backoff: 1s
      ignoredmediatypes:
        - application/octet-stream
`;
    registry = await startRealRegistry(
      { kind: 'none' },
      {
        extraConfig: `notifications:\n  endpoints:\n${endpoint('tagpilot', SECRET)}${endpoint('forger', 'not-the-secret')}`,
      },
    );
  });
  after(async () => {
    await registry.stop();
    await h.close();
  });

  it('turns the registry’s own push notification into one image trigger', async () => {
    await new Pusher(registry.url).pushImage('acme/api', makeImage('2026-01-01T00:00:00Z'), [
      '1.0.0',
    ]);
    const trigger = await waitFor('the push notification', () =>
      h.triggers.find((t) => t.kind === 'image' && t.repository === 'acme/api'),
    );
    assert.ok(trigger.kind === 'image');
    assert.equal(trigger.name, `${registry.host}/acme/api`);
    assert.equal(trigger.receiver, 'dist');
    assert.match(trigger.deliveryId ?? '', /^[0-9a-f-]{36}/);
    // The endpoint with the wrong secret was refused and counted, and never triggered.
    const deadline = Date.now() + 10_000;
    let refused = 0;
    while (Date.now() < deadline && refused === 0) {
      refused = (await scrape(`${h.servers.health.url}/metrics`)).value(
        'tagpilot_webhook_requests_total',
        { receiver: 'dist', outcome: 'unauthorized' },
      );
      if (refused === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(refused >= 1, 'the wrong-secret endpoint was refused');
    assert.equal(
      h.triggers.filter((t) => t.kind === 'image' && t.repository === 'acme/api').length,
      1,
    );
  });
});
