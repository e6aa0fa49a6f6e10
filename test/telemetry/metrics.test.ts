/** The metrics module: typed recorders, bounded labels, one registry per instance. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetrics, statusLabel } from '../../src/telemetry/metrics.js';
import { parseScrape } from '../support/webhooks/prometheus.js';

describe('createMetrics', () => {
  it('records cycles, durations, last success and trigger-to-commit', async () => {
    const metrics = createMetrics({ version: '1.2.3', revision: 'abc', processMetrics: false });
    metrics.cycles.declareRepository('deploy');
    metrics.cycles.cycleFinished({
      repository: 'deploy',
      trigger: 'registry_webhook',
      result: 'committed',
      durationSeconds: 1.5,
      finishedAt: 1_700_000_000_000,
    });
    metrics.cycles.cycleFinished({
      repository: 'deploy',
      trigger: 'interval',
      result: 'failed',
      durationSeconds: 0.2,
      finishedAt: 1_700_000_100_000,
    });
    metrics.cycles.triggerToCommit('registry_webhook', 2.5);
    metrics.cycles.imagesUpdated('deploy', 3);
    metrics.git.pushConflict('deploy');
    metrics.registry.request({ registry: 'ghcr.io', operation: 'tags', status: 200 });
    metrics.registry.request({ registry: 'ghcr.io', operation: 'tags', status: undefined });
    metrics.registry.quotaRemaining('docker.io', 87);
    const scrape = parseScrape(await metrics.render());
    assert.equal(
      scrape.value('tagpilot_cycles_total', { trigger: 'registry_webhook', result: 'committed' }),
      1,
    );
    assert.equal(scrape.value('tagpilot_cycles_total', { result: 'failed' }), 1);
    // A failed cycle does not move the last-success time.
    assert.equal(
      scrape.value('tagpilot_last_successful_cycle_timestamp_seconds', { repository: 'deploy' }),
      1_700_000_000,
    );
    assert.equal(scrape.observations('tagpilot_cycle_duration_seconds'), 2);
    assert.equal(scrape.observations('tagpilot_trigger_to_commit_seconds'), 1);
    assert.equal(scrape.value('tagpilot_images_updated_total', { repository: 'deploy' }), 3);
    assert.equal(scrape.value('tagpilot_git_push_conflicts_total', { repository: 'deploy' }), 1);
    assert.equal(scrape.value('tagpilot_registry_requests_total', { status: '200' }), 1);
    assert.equal(scrape.value('tagpilot_registry_requests_total', { status: 'network' }), 1);
    assert.equal(
      scrape.value('tagpilot_registry_pull_quota_remaining', { registry: 'docker.io' }),
      87,
    );
    assert.equal(scrape.value('tagpilot_build_info', { version: '1.2.3', revision: 'abc' }), 1);
    assert.equal(
      scrape.value('tagpilot_workloads', { repository: 'deploy', state: 'automated' }),
      0,
    );
  });

  it('keeps workload counts per state and per-workload series only when opted in', async () => {
    const workloads = [
      { workload: 'prod:deployment/api', container: 'api', state: 'automated' as const },
      { workload: 'prod:deployment/web', container: 'web', state: 'held' as const },
    ];
    const plain = createMetrics({ version: '0', processMetrics: false });
    plain.cycles.setWorkloads('deploy', workloads);
    const plainScrape = parseScrape(await plain.render());
    assert.equal(plainScrape.value('tagpilot_workloads', { state: 'held' }), 1);
    assert.equal(plainScrape.family('tagpilot_workload_info'), undefined);

    const opted = createMetrics({ version: '0', processMetrics: false, perWorkload: true });
    opted.cycles.setWorkloads('deploy', workloads);
    opted.cycles.setWorkloads('deploy', [{ ...workloads[0]!, state: 'locked' }]);
    const series = parseScrape(await opted.render()).series('tagpilot_workload_info');
    // The replaced set leaves no stale series behind.
    assert.deepEqual(
      series.map((s) => [s.labels.workload, s.labels.state]),
      [['prod:deployment/api', 'locked']],
    );
  });

  it('never shares counters between instances, and adds process metrics by default', async () => {
    const a = createMetrics({ version: '0' });
    const b = createMetrics({ version: '0', processMetrics: false });
    a.webhooks.delivery({ receiver: 'gh', type: 'github', outcome: 'triggered' });
    assert.equal(parseScrape(await b.render()).value('tagpilot_webhook_requests_total'), 0);
    const scrapeA = parseScrape(await a.render());
    assert.equal(scrapeA.value('tagpilot_webhook_requests_total', { receiver: 'gh' }), 1);
    assert.ok(scrapeA.family('process_cpu_user_seconds_total'));
  });

  it('turns HTTP statuses into a bounded label', () => {
    assert.deepEqual([200, 304, 429, undefined, 0, 1000].map(statusLabel), [
      '200',
      '304',
      '429',
      'network',
      'network',
      'network',
    ]);
  });
});
