import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  EventRecorder,
  NOTE_LIMIT_BYTES,
  truncateUtf8,
  type EventRegarding,
} from '../../src/cluster/events.js';
import type { ClusterError } from '../../src/cluster/errors.js';
import { SecretRedactor } from '../../src/telemetry/index.js';
import { deployment, startTestCluster, type TestCluster } from '../support/kube-api/cluster.js';

describe('truncateUtf8', () => {
  it('keeps short notes, cuts long ones to the byte limit without splitting a character', () => {
    assert.equal(truncateUtf8('short', 10), 'short');
    const cut = truncateUtf8('é'.repeat(700), NOTE_LIMIT_BYTES);
    assert.ok(Buffer.byteLength(cut) <= NOTE_LIMIT_BYTES);
    assert.ok(cut.endsWith('é…'), cut.slice(-5));
    assert.ok(!cut.includes('\uFFFD'));
  });
});

describe('EventRecorder (events.k8s.io/v1 on the API-server double)', () => {
  let cluster: TestCluster;
  let regarding: EventRegarding;
  before(async () => {
    cluster = await startTestCluster({ workloadNamespaces: ['prod'] });
    const live = cluster.seed('deployments', deployment('prod', 'api'));
    regarding = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'prod',
      name: 'api',
      uid: live.metadata.uid ?? '',
    };
  });
  after(() => cluster.stop());

  function recorder(options: { burst?: number; errors?: ClusterError[] } = {}): EventRecorder {
    const redactor = new SecretRedactor();
    redactor.add('s3cr3t-token-value');
    return new EventRecorder(cluster.client(), {
      reportingInstance: 'tagpilot-7d9f-abcde',
      burst: options.burst ?? 10,
      refillMs: 60_000,
      aggregateWindowMs: 60_000,
      redact: (text) => redactor.redact(text),
      onError: (error) => options.errors?.push(error),
    });
  }

  it('creates one Event on the live object, then aggregates repeats into its series', async () => {
    const events = recorder();
    const input = {
      type: 'Normal' as const,
      reason: 'ImageUpdateCommitted',
      action: 'Commit',
      note: 'api: acme/api 1.0.0 → 1.1.0 in 3f2a1c9 (semver ^1)',
    };
    assert.equal(await events.record(regarding, input), 'created');
    assert.equal(await events.record(regarding, input), 'aggregated');
    assert.equal(await events.record(regarding, input), 'aggregated');
    const stored = cluster.double
      .list('events', 'prod')
      .filter((event) => event.reason === 'ImageUpdateCommitted');
    assert.equal(stored.length, 1);
    const event = stored[0] as Record<string, unknown>;
    assert.deepEqual(event.regarding, regarding);
    assert.equal(event.reportingController, 'tagpilot.io/controller');
    assert.equal(event.reportingInstance, 'tagpilot-7d9f-abcde');
    assert.equal(event.note, input.note);
    assert.equal((event.series as { count: number }).count, 3);
    assert.match((event.series as { lastObservedTime: string }).lastObservedTime, /\.\d{6}Z$/);
    const verbs = cluster.double.requests
      .filter((request) => request.resource === 'events')
      .map((request) => `${request.verb}:${request.status}`);
    assert.deepEqual(verbs, ['create:201', 'patch:200', 'patch:200']);
  });

  it('redacts and cuts the note to 1 KiB (the API server refuses longer ones)', async () => {
    const events = recorder();
    const note = `registry said: Bearer s3cr3t-token-value ${'x'.repeat(2_000)}`;
    assert.equal(
      await events.record(regarding, {
        type: 'Warning',
        reason: 'RegistryError',
        action: 'Scan',
        note,
      }),
      'created',
    );
    const stored = cluster.double
      .list('events', 'prod')
      .find((event) => event.reason === 'RegistryError') as unknown as { note: string };
    assert.ok(!stored.note.includes('s3cr3t'));
    assert.ok(Buffer.byteLength(stored.note) <= 1024);
  });

  it('rate-limits per object: a burst, then nothing until tokens refill; other objects unaffected', async () => {
    const errors: ClusterError[] = [];
    const events = recorder({ burst: 2, errors });
    const warn = (n: number) => ({
      type: 'Warning' as const,
      reason: 'PolicyInvalid',
      action: 'Plan',
      note: `bad policy ${n}`,
    });
    assert.equal(await events.record(regarding, warn(1)), 'created');
    assert.equal(await events.record(regarding, warn(2)), 'created');
    assert.equal(await events.record(regarding, warn(3)), 'rate-limited');
    const other = { ...regarding, name: 'worker', uid: 'uid-of-worker' };
    assert.equal(await events.record(other, warn(4)), 'created');
    assert.deepEqual(errors, []);
  });

  it('reports (never throws) when the API refuses the Event', async () => {
    const errors: ClusterError[] = [];
    const events = recorder({ errors });
    cluster.double.failNext({ verb: 'create', resource: 'events', status: 500 });
    assert.equal(
      await events.record(regarding, {
        type: 'Warning',
        reason: 'UpdateHeld',
        action: 'Plan',
        note: 'held',
      }),
      'failed',
    );
    const [error] = errors;
    assert.ok(error !== undefined);
    assert.equal(error.code, 'CLUSTER_UNAVAILABLE');
    assert.match(error.message, /UpdateHeld on Deployment prod\/api/);
  });
});
