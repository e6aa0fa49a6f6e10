/** The status page's pure parts (src/status-page/): times, links, the URL fragment, filters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  duration,
  median,
  relativeTime,
  safeHref,
  shortSha,
} from '../../src/status-page/format.js';
import { formatHash, parseHash } from '../../src/status-page/route.js';
import {
  filterChoices,
  filterRows,
  NO_NAMESPACE,
  type WorkloadRow,
} from '../../src/status-page/workload-filter.js';
import type { WorkloadStatus } from '../../src/server/index.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('status page formatting', () => {
  it('writes times relative to now', () => {
    const cases: [string, string][] = [
      ['2026-03-01T11:59:58Z', 'just now'],
      ['2026-03-01T11:59:18Z', '42 s ago'],
      ['2026-03-01T11:57:00Z', '3 min ago'],
      ['2026-03-01T12:05:00Z', 'in 5 min'],
      ['2026-03-01T09:00:00Z', '3 h ago'],
      ['2026-02-25T12:00:00Z', '4 d ago'],
      ['not a time', 'not a time'],
    ];
    for (const [at, expected] of cases) assert.equal(relativeTime(at, NOW), expected, at);
  });

  it('writes durations', () => {
    assert.equal(duration(850), '850 ms');
    assert.equal(duration(1234), '1.2 s');
    assert.equal(duration(42_000), '42 s');
    assert.equal(duration(185_000), '3 min 5 s');
    assert.equal(duration(7_440_000), '2 h 4 min');
  });

  it('links only to absolute http(s) URLs', () => {
    assert.equal(safeHref('https://github.com/a/b/commit/1'), 'https://github.com/a/b/commit/1');
    assert.equal(safeHref('http://git.example:8080/c'), 'http://git.example:8080/c');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      '/relative',
      '',
      null,
      undefined,
    ])
      assert.equal(safeHref(bad), undefined, String(bad));
  });

  it('shortens commit ids, and nothing else', () => {
    assert.equal(shortSha('0123456789abcdef0123456789abcdef01234567'), '0123456');
    assert.equal(shortSha('<b>x</b>'), '<b>x</b>');
  });

  it('computes medians', () => {
    assert.equal(median([]), undefined);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });
});

describe('status page URL fragment', () => {
  it('round-trips a tab and its parameters', () => {
    const route = {
      tab: 'workloads' as const,
      params: { state: 'held', slot: 'shop:deployment/a b/c' },
    };
    assert.deepEqual(parseHash(formatHash(route)), route);
  });

  it('falls back to the overview for unknown tabs and drops empty parameters', () => {
    assert.deepEqual(parseHash('#/nope?x='), { tab: 'overview', params: {} });
    assert.deepEqual(parseHash(''), { tab: 'overview', params: {} });
    assert.equal(formatHash({ tab: 'registries', params: { q: '' } }), '#/registries');
  });
});

function slot(fields: Partial<WorkloadStatus>): WorkloadStatus {
  return {
    slot: 'shop:deployment/api/api',
    workload: 'shop:deployment/api',
    namespace: 'shop',
    container: 'api',
    file: 'apps/api.yaml',
    line: 1,
    image: 'ghcr.io/acme/api',
    policy: 'semver:~1.4',
    currentTag: '1.4.2',
    bestTag: '1.4.3',
    state: 'pending',
    explain: '',
    ...fields,
  };
}

describe('workload filters', () => {
  const rows: WorkloadRow[] = [
    { repository: 'deploy', workload: slot({}) },
    {
      repository: 'deploy',
      workload: slot({
        slot: 'shop:deployment/billing/billing',
        workload: 'shop:deployment/billing',
        state: 'locked',
      }),
    },
    {
      repository: 'infra',
      workload: slot({
        slot: 'values.yaml#image',
        workload: 'values.yaml#image',
        namespace: null,
        image: 'docker.io/library/nginx',
        currentTag: '1.27',
      }),
    },
  ];

  it('filters by state, namespace, image and repository', () => {
    assert.deepEqual(
      filterRows(rows, { state: 'locked' }).map((r) => r.workload.slot),
      ['shop:deployment/billing/billing'],
    );
    assert.deepEqual(
      filterRows(rows, { namespace: NO_NAMESPACE }).map((r) => r.repository),
      ['infra'],
    );
    assert.equal(filterRows(rows, { image: 'ghcr.io/acme/api' }).length, 2);
    assert.equal(filterRows(rows, { repository: 'infra' }).length, 1);
  });

  it('searches every word case-insensitively across the row', () => {
    assert.deepEqual(
      filterRows(rows, { q: 'NGINX 1.27' }).map((r) => r.repository),
      ['infra'],
    );
    assert.equal(filterRows(rows, { q: 'billing api.yaml' }).length, 1);
    assert.equal(filterRows(rows, { q: 'nothing-like-this' }).length, 0);
    assert.equal(filterRows(rows, { q: '   ' }).length, 3);
  });

  it('offers each distinct value once, sorted', () => {
    assert.deepEqual(filterChoices(rows), {
      repositories: ['deploy', 'infra'],
      namespaces: [NO_NAMESPACE, 'shop'],
      images: ['docker.io/library/nginx', 'ghcr.io/acme/api'],
    });
  });
});
