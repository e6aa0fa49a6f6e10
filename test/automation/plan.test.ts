import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, formatImageRef } from '../../src/image/index.js';
import { parsePolicy, PolicyError } from '../../src/policy/index.js';
import { digestKey, plan, tagOf, type PlanInput } from '../../src/automation/plan.js';
import type { LastWrite, ScanResult, SlotDecision } from '../../src/automation/types.js';
import { fakeSelect, slot, tags, type SlotSpec } from './fixtures.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const NOW = Date.parse('2026-11-23T12:00:00Z');

interface Case {
  name: string;
  slot: SlotSpec;
  scan?: ScanResult;
  digests?: Record<string, string>;
  lastWrite?: string;
  released?: string;
  minAgeMs?: number;
  expect: SlotDecision['kind'];
  to?: string;
  change?: string;
  code?: string;
  heldBelow?: string;
}

const ok = (...names: string[]): ScanResult => ({ ok: true, candidates: tags(...names) });

const cases: Case[] = [
  {
    name: 'newer tag → update',
    slot: { image: 'ghcr.io/acme/api:1.4.2' },
    scan: ok('1.4.2', '1.4.3', '1.3.0'),
    expect: 'update',
    to: 'ghcr.io/acme/api:1.4.3',
    change: 'update',
  },
  {
    name: 'current is the best → keep',
    slot: { image: 'ghcr.io/acme/api:1.4.3' },
    scan: ok('1.4.2', '1.4.3'),
    expect: 'keep',
  },
  {
    name: 'only older tags → keep (never downgrade)',
    slot: { image: 'ghcr.io/acme/api:2.0.0' },
    scan: ok('1.0.0', '1.9.9'),
    expect: 'keep',
  },
  {
    name: 'empty tag list → error, no change',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: ok(),
    expect: 'error',
    code: 'NO_CANDIDATES',
  },
  {
    name: 'registry failure → error for this slot',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: { ok: false, code: 'REGISTRY_UNAVAILABLE', message: 'ghcr.io: 503' },
    expect: 'error',
    code: 'REGISTRY_UNAVAILABLE',
  },
  {
    name: 'not scanned → error',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    expect: 'error',
    code: 'NOT_SCANNED',
  },
  {
    name: 'locked → locked',
    slot: { image: 'ghcr.io/acme/api:1.0.0', workload: { locked: true, lockedBy: 'ann' } },
    scan: ok('2.0.0'),
    expect: 'locked',
  },
  {
    name: 'ignored → ignored',
    slot: { image: 'ghcr.io/acme/api:1.0.0', workload: { ignored: 'true' } },
    scan: ok('2.0.0'),
    expect: 'ignored',
  },
  {
    name: 'not automated → ignored',
    slot: { image: 'ghcr.io/acme/api:1.0.0', policy: null },
    scan: ok('2.0.0'),
    expect: 'ignored',
  },
  {
    name: 'bad policy → error naming it',
    slot: {
      image: 'ghcr.io/acme/api:1.0.0',
      policy: new PolicyError('tagpilot.io/tag.api', 'semver:>>', 'bad range'),
    },
    scan: ok('2.0.0'),
    expect: 'error',
    code: 'POLICY_INVALID',
  },
  {
    name: 'current does not satisfy the policy → policy change',
    slot: { image: 'ghcr.io/acme/api:latest' },
    scan: ok('1.0.0', 'latest'),
    expect: 'update',
    to: 'ghcr.io/acme/api:1.0.0',
    change: 'policy-change',
  },
  {
    name: 'no matching tag → error',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: ok('main', 'dev'),
    expect: 'error',
    code: 'NO_MATCH',
  },
  {
    name: 'original spelling kept (Docker Hub short name)',
    slot: { image: 'nginx:1.25.0' },
    scan: ok('1.25.0', '1.27.1'),
    expect: 'update',
    to: 'nginx:1.27.1',
  },
  // Holds: tagpilot wrote 1.4.3, a person rolled back to 1.4.2.
  {
    name: 'rollback → held',
    slot: { image: 'ghcr.io/acme/api:1.4.2' },
    scan: ok('1.4.2', '1.4.3'),
    lastWrite: 'ghcr.io/acme/api:1.4.3',
    expect: 'held',
    heldBelow: '1.4.3',
  },
  {
    name: 'rollback, newer tag appears → released update',
    slot: { image: 'ghcr.io/acme/api:1.4.2' },
    scan: ok('1.4.2', '1.4.3', '1.4.4'),
    lastWrite: 'ghcr.io/acme/api:1.4.3',
    expect: 'update',
    to: 'ghcr.io/acme/api:1.4.4',
  },
  {
    name: 'rollback released by unlock → update',
    slot: { image: 'ghcr.io/acme/api:1.4.2' },
    scan: ok('1.4.2', '1.4.3'),
    lastWrite: 'ghcr.io/acme/api:1.4.3',
    released: '1.4.3',
    expect: 'update',
    to: 'ghcr.io/acme/api:1.4.3',
  },
  {
    name: 'a person moved forward (not a rollback) → no hold',
    slot: { image: 'ghcr.io/acme/api:1.4.5' },
    scan: ok('1.4.3', '1.4.5', '1.4.6'),
    lastWrite: 'ghcr.io/acme/api:1.4.3',
    expect: 'update',
    to: 'ghcr.io/acme/api:1.4.6',
  },
  {
    name: 'value still what tagpilot wrote → no hold',
    slot: { image: 'ghcr.io/acme/api:1.4.3' },
    scan: ok('1.4.3', '1.4.4'),
    lastWrite: 'ghcr.io/acme/api:1.4.3',
    expect: 'update',
    to: 'ghcr.io/acme/api:1.4.4',
  },
  // Minimum tag age: only known push times count.
  {
    name: 'too young → keep',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: { ok: true, candidates: [{ tag: '1.0.0' }, { tag: '1.0.1', pushed: NOW - 60_000 }] },
    minAgeMs: 600_000,
    expect: 'keep',
  },
  {
    name: 'old enough → update',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: { ok: true, candidates: [{ tag: '1.0.0' }, { tag: '1.0.1', pushed: NOW - 3_600_000 }] },
    minAgeMs: 600_000,
    expect: 'update',
    to: 'ghcr.io/acme/api:1.0.1',
  },
  {
    name: 'unknown push time (0) → not held back',
    slot: { image: 'ghcr.io/acme/api:1.0.0' },
    scan: { ok: true, candidates: [{ tag: '1.0.0' }, { tag: '1.0.1', pushed: 0 }] },
    minAgeMs: 600_000,
    expect: 'update',
    to: 'ghcr.io/acme/api:1.0.1',
  },
  // Digests.
  {
    name: 'ref with digest, digest unknown → asks for it',
    slot: { image: `ghcr.io/acme/api:1.0.0@${D1}` },
    scan: ok('1.0.0', '1.1.0'),
    expect: 'error',
    code: 'DIGEST_UNKNOWN',
  },
  {
    name: 'ref with digest → tag and digest together',
    slot: { image: `ghcr.io/acme/api:1.0.0@${D1}` },
    scan: ok('1.0.0', '1.1.0'),
    digests: { 'ghcr.io/acme/api:1.1.0': D2 },
    expect: 'update',
    to: `ghcr.io/acme/api:1.1.0@${D2}`,
    change: 'update',
  },
  {
    name: 'mutable tag rebuilt → new digest',
    slot: { image: `ghcr.io/acme/api:latest@${D1}`, policy: 'glob:latest' },
    scan: ok('latest'),
    digests: { 'ghcr.io/acme/api:latest': D2 },
    expect: 'update',
    to: `ghcr.io/acme/api:latest@${D2}`,
    change: 'digest',
  },
  {
    name: 'mutable tag, same digest → keep',
    slot: { image: `ghcr.io/acme/api:latest@${D1}`, policy: 'glob:latest' },
    scan: ok('latest'),
    digests: { 'ghcr.io/acme/api:latest': D1 },
    expect: 'keep',
  },
  {
    name: 'pinDigest without digest → pin',
    slot: { image: 'ghcr.io/acme/api:1.1.0', pin: true },
    scan: ok('1.1.0'),
    digests: { 'ghcr.io/acme/api:1.1.0': D2 },
    expect: 'update',
    to: `ghcr.io/acme/api:1.1.0@${D2}`,
    change: 'pin',
  },
];

describe('plan', () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = slot(c.slot);
      const input: PlanInput = {
        slots: [s],
        scans: new Map(c.scan === undefined ? [] : [[canonicalName(s.current), c.scan]]),
        digests: new Map(Object.entries(c.digests ?? {})),
        lastWrites: new Map<string, LastWrite>(
          c.lastWrite === undefined ? [] : [[s.id, { commit: 'c1', value: c.lastWrite }]],
        ),
        releasedHolds: new Map(c.released === undefined ? [] : [[s.id, c.released]]),
        now: NOW,
        minTagAgeMs: c.minAgeMs,
        select: fakeSelect,
      };
      const result = plan(input);
      const [decision] = result.decisions;
      assert.ok(decision);
      assert.equal(
        decision.kind,
        c.expect,
        JSON.stringify(decision.kind === 'error' ? decision.message : decision.kind),
      );
      if (decision.kind === 'update') {
        assert.equal(formatImageRef(decision.to), c.to);
        if (c.change !== undefined) assert.equal(decision.change, c.change);
        assert.equal(result.edits.length, 1);
        assert.equal(result.edits[0]?.slot, s);
      } else {
        assert.equal(result.edits.length, 0, 'only updates produce edits');
      }
      if (c.code !== undefined) assert.equal(decision.kind === 'error' && decision.code, c.code);
      if (c.heldBelow !== undefined)
        assert.equal(decision.kind === 'held' && decision.heldBelow, c.heldBelow);
    });
  }

  it('asks each missing digest once, keyed by image and tag', () => {
    const a = slot({ name: 'a', image: `ghcr.io/acme/api:1.0.0@${D1}` });
    const b = slot({ name: 'b', image: `ghcr.io/acme/api:1.0.0@${D1}` });
    const result = plan({
      slots: [a, b],
      scans: new Map([[canonicalName(a.current), ok('1.0.0', '1.2.0')]]),
      now: NOW,
      select: fakeSelect,
    });
    assert.deepEqual(
      result.digestsWanted.map((w) => w.key),
      [digestKey(a.current, '1.2.0')],
    );
    assert.equal(formatImageRef(result.digestsWanted[0]!.image), 'ghcr.io/acme/api:1.2.0');
  });

  it('one scan serves several workloads sharing an image', () => {
    const slots = ['a', 'b', 'c'].map((name) => slot({ name, image: 'ghcr.io/acme/shared:1.0.0' }));
    const result = plan({
      slots,
      scans: new Map([['ghcr.io/acme/shared', ok('1.0.0', '1.0.1')]]),
      now: NOW,
      select: fakeSelect,
    });
    assert.deepEqual(
      result.decisions.map((d) => d.kind),
      ['update', 'update', 'update'],
    );
    assert.equal(result.edits.length, 3);
  });
});

describe('tagOf', () => {
  const table: [string, string | undefined][] = [
    ['ghcr.io/acme/api:1.4.3', '1.4.3'],
    ['localhost:5000/api:2', '2'],
    [`localhost:5000/api:2@${D1}`, '2'],
    ['localhost:5000/api', undefined],
  ];
  for (const [input, expected] of table)
    it(input, () => {
      assert.equal(tagOf(input), expected);
    });
});

describe('plan with the real policy engine', () => {
  const real = (spec: SlotSpec, scan: ScanResult, lastWrite?: string): SlotDecision => {
    const s = slot(spec);
    const realSlot = {
      ...s,
      policy: { policy: parsePolicy(spec.policy as string), key: 'k', pinDigest: false },
    };
    const result = plan({
      slots: [realSlot],
      scans: new Map([[canonicalName(s.current), scan]]),
      lastWrites: new Map(
        lastWrite === undefined ? [] : [[s.id, { commit: 'c', value: lastWrite }]],
      ),
      now: NOW,
    });
    return result.decisions[0]!;
  };

  it('semver rollback is held, then released by a newer tag', () => {
    const held = real(
      { image: 'r.io/api:1.4.2', policy: 'semver:~1.4' },
      ok('1.4.2', '1.4.3'),
      'r.io/api:1.4.3',
    );
    assert.equal(held.kind, 'held');
    const released = real(
      { image: 'r.io/api:1.4.2', policy: 'semver:~1.4' },
      ok('1.4.2', '1.4.3', '1.4.4'),
      'r.io/api:1.4.3',
    );
    assert.equal(released.kind === 'update' && formatImageRef(released.to), 'r.io/api:1.4.4');
  });

  it('build-time rollback is held by build times, not by tag text', () => {
    const scan: ScanResult = {
      ok: true,
      candidates: [
        { tag: 'main-b', created: Date.parse('2026-01-01T00:00:00Z') },
        { tag: 'main-a', created: Date.parse('2026-01-02T00:00:00Z') },
      ],
    };
    assert.equal(
      real({ image: 'r.io/web:main-b', policy: 'glob:main-*' }, scan, 'r.io/web:main-a').kind,
      'held',
    );
    const fresh = real({ image: 'r.io/web:main-b', policy: 'glob:main-*' }, scan);
    assert.equal(fresh.kind === 'update' && fresh.to.tag, 'main-a');
  });

  it('never downgrades and never picks latest under semver', () => {
    const d = real({ image: 'r.io/api:2.0.0', policy: 'semver:*' }, ok('latest', '1.9.0', '2.0.0'));
    assert.equal(d.kind, 'keep');
  });
});
