import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RBAC_RULES, rbacTable } from '../../src/cluster/rbac.js';

describe('RBAC rules', () => {
  it('docs/kubernetes.md shows exactly RBAC_RULES', () => {
    const docs = readFileSync(
      join(import.meta.dirname, '..', '..', 'docs', 'kubernetes.md'),
      'utf8',
    );
    assert.ok(
      docs.includes(rbacTable()),
      'regenerate the RBAC table in docs/kubernetes.md from rbacTable()',
    );
  });

  it('never grants writes on workloads, nor list or watch on Secrets', () => {
    for (const rule of RBAC_RULES) {
      if (rule.apiGroups.includes('apps') || rule.apiGroups.includes('batch'))
        assert.deepEqual(rule.verbs, ['get', 'list', 'watch']);
      if (rule.resources.includes('secrets')) assert.deepEqual(rule.verbs, ['get']);
    }
  });
});
