import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatFieldSlotId,
  formatWorkloadId,
  parseFieldSlotId,
  parseWorkloadId,
  sameWorkload,
  WorkloadIdError,
} from '../../src/policy/index.js';

describe('parseWorkloadId', () => {
  const valid: [string, string | undefined, string, string, string, string][] = [
    // input, default namespace, namespace, kind, name, formatted
    ['prod:deployment/api', undefined, 'prod', 'deployment', 'api', 'prod:deployment/api'],
    ['prod:Deployment/api', undefined, 'prod', 'deployment', 'api', 'prod:deployment/api'],
    [
      'kube-system:DaemonSet/node-exporter',
      undefined,
      'kube-system',
      'daemonset',
      'node-exporter',
      'kube-system:daemonset/node-exporter',
    ],
    ['deployment/api', undefined, 'default', 'deployment', 'api', 'default:deployment/api'],
    ['StatefulSet/db', 'team-a', 'team-a', 'statefulset', 'db', 'team-a:statefulset/db'],
    [
      'ns:helmrelease/my.chart-1',
      undefined,
      'ns',
      'helmrelease',
      'my.chart-1',
      'ns:helmrelease/my.chart-1',
    ],
  ];
  for (const [input, defaultNamespace, namespace, kind, name, formatted] of valid) {
    it(`${input} → ${formatted}`, () => {
      const id = parseWorkloadId(input, defaultNamespace);
      assert.deepEqual(id, { namespace, kind, name });
      assert.equal(formatWorkloadId(id), formatted);
      assert.deepEqual(parseWorkloadId(formatted), id);
    });
  }

  const invalid: [string, RegExp][] = [
    ['prod:api', /missing "\/" between kind and name/],
    ['', /missing "\/"/],
    ['Prod:deployment/api', /namespace "Prod" is not a valid Kubernetes namespace/],
    [':deployment/api', /namespace "" is not a valid/],
    ['prod:/api', /kind "" is not a Kubernetes kind/],
    ['prod:deploy-ment/api', /kind "deploy-ment"/],
    ['prod:deployment/', /name "" is not a valid Kubernetes name/],
    ['prod:deployment/API', /name "API"/],
    ['prod:deployment/-api', /name "-api"/],
    [`prod:deployment/${'a'.repeat(254)}`, /is not a valid Kubernetes name/],
  ];
  for (const [input, problem] of invalid) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(
        () => parseWorkloadId(input),
        (error: unknown) => {
          assert.ok(error instanceof WorkloadIdError);
          assert.equal(error.code, 'WORKLOAD_ID_INVALID');
          assert.match(error.message, problem);
          assert.match(error.message, /expected <namespace>:<kind>\/<name>/);
          return true;
        },
      );
    });
  }
});

describe('sameWorkload', () => {
  it('matches kinds case-insensitively, namespaces and names exactly', () => {
    const a = { namespace: 'prod', kind: 'Deployment', name: 'api' };
    assert.equal(sameWorkload(a, { namespace: 'prod', kind: 'deployment', name: 'api' }), true);
    assert.equal(sameWorkload(a, { namespace: 'stg', kind: 'deployment', name: 'api' }), false);
    assert.equal(sameWorkload(a, { namespace: 'prod', kind: 'deployment', name: 'web' }), false);
    assert.equal(sameWorkload(a, { namespace: 'prod', kind: 'statefulset', name: 'api' }), false);
  });
});

describe('field slot ids: <file>#<yaml path>', () => {
  const cases: [string, string][] = [
    ['apps/values.yaml', '.image.tag'],
    ['kustomization.yaml', '.images[0].newTag'],
    ['dir#odd/values.yaml', '.image'],
  ];
  for (const [file, yamlPath] of cases) {
    it(`${file} + ${yamlPath} round-trips`, () => {
      const id = formatFieldSlotId(file, yamlPath);
      assert.equal(id, `${file}#${yamlPath}`);
      assert.deepEqual(parseFieldSlotId(id), { file, yamlPath });
    });
  }

  it('is undefined without a file or a path', () => {
    assert.equal(parseFieldSlotId('values.yaml'), undefined);
    assert.equal(parseFieldSlotId('#.image'), undefined);
    assert.equal(parseFieldSlotId('values.yaml#'), undefined);
  });
});
