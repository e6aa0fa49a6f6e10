import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatContainerSlotId, parseSlotId } from '../../../src/manifests/index.js';
import { WorkloadIdError } from '../../../src/policy/index.js';

describe('slot ids', () => {
  it('round-trips container ids', () => {
    const workload = { namespace: 'prod', kind: 'deployment', name: 'api.v2' };
    const id = formatContainerSlotId(workload, 'web');
    assert.equal(id, 'prod:deployment/api.v2/web');
    assert.deepEqual(parseSlotId(id), { kind: 'container', workload, container: 'web' });
  });

  it('fills the default namespace and lower-cases the kind', () => {
    assert.deepEqual(parseSlotId('Deployment/api/web', 'ops'), {
      kind: 'container',
      workload: { namespace: 'ops', kind: 'deployment', name: 'api' },
      container: 'web',
    });
  });

  it('reads field ids, even with : and / in the path', () => {
    assert.deepEqual(parseSlotId('clusters/prod:eu/values.yaml#.image.tag'), {
      kind: 'field',
      file: 'clusters/prod:eu/values.yaml',
      yamlPath: '.image.tag',
    });
  });

  it('answers undefined for neither form and throws for a bad workload', () => {
    assert.equal(parseSlotId('prod:deployment/api'), undefined);
    assert.equal(parseSlotId('web'), undefined);
    assert.throws(() => parseSlotId('prod:deploy ment/api/web'), WorkloadIdError);
  });
});
