import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCycle, type CycleSettings } from '../../src/automation/cycle.js';
import { FilesAtCommit } from '../../src/automation/pipeline.js';
import { parseTrailers } from '../../src/automation/message.js';
import { STATE_FILE } from '../../src/automation/state.js';
import { createLogger, SecretRedactor } from '../../src/telemetry/index.js';
import { lineDiscover, MemoryGit, MemoryRegistry } from './fakes.js';

const settings: CycleSettings = {
  repository: 'memory',
  paths: ['.'],
  minTagAgeMs: 0,
  metadataBudget: 10,
  holdDepth: 50,
  scanConcurrency: 2,
  maxRetries: 2,
  backoff: { baseMs: 10, maxMs: 100 },
  skipCi: false,
  suspended: false,
  write: true,
};

const file = (policy: string, image: string) => `# policy: ${policy}\nimage: ${image}\n`;

function setup(files: Record<string, string>, tags: Record<string, string[]>) {
  const git = new MemoryGit(files);
  const registry = new MemoryRegistry(new Map(Object.entries(tags)));
  const sleeps: number[] = [];
  const deps = {
    git,
    registry,
    discover: lineDiscover,
    logger: createLogger({
      level: 'silent',
      format: 'json',
      redactor: new SecretRedactor(),
      destination: { write: () => true },
    }),
    now: () => Date.parse('2026-11-23T12:00:00Z'),
    random: () => 0.5,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return { git, registry, deps, sleeps };
}

describe('runCycle (in-memory Git and registry)', () => {
  it('commits all updates in one commit, then is idempotent', async () => {
    const { git, deps } = setup(
      {
        'api.yaml': file('semver:~1.4', 'r.io/acme/api:1.4.2'),
        'web.yaml': file('semver:*', 'r.io/acme/web:2.0.0'),
      },
      { 'r.io/acme/api': ['1.4.2', '1.4.3', '1.5.0'], 'r.io/acme/web': ['2.0.0', '2.1.0'] },
    );
    const first = await runCycle(deps, settings);
    assert.equal(first.summary.outcome, 'committed');
    assert.equal(first.summary.updated, 2);
    assert.equal(git.history().length, 2, 'one commit for two workloads');
    assert.equal(git.file('api.yaml'), file('semver:~1.4', 'r.io/acme/api:1.4.3'));
    assert.equal(git.file('web.yaml'), file('semver:*', 'r.io/acme/web:2.1.0'));
    assert.equal(parseTrailers(git.history()[0]!.message).length, 2);

    const second = await runCycle(deps, settings);
    assert.equal(second.summary.outcome, 'no-change');
    assert.equal(git.history().length, 2, 'no second commit');
  });

  it('scans a repository once however many workloads use it', async () => {
    const { registry, deps } = setup(
      {
        'a.yaml': file('semver:*', 'r.io/shared:1.0.0'),
        'b.yaml': file('semver:*', 'r.io/shared:1.0.0'),
        'c.yaml': file('semver:*', 'r.io/shared:0.9.0'),
      },
      { 'r.io/shared': ['0.9.0', '1.0.0', '1.0.1'] },
    );
    const { summary } = await runCycle(deps, settings);
    assert.equal(summary.updated, 3);
    assert.equal(registry.listed.get('r.io/shared'), 1);
    assert.equal(summary.registryRequests, 1);
  });

  it('re-plans on the new head after a raced push', async () => {
    const { git, deps, sleeps, registry } = setup(
      {
        'api.yaml': file('semver:*', 'r.io/api:1.0.0'),
        'web.yaml': file('semver:*', 'r.io/web:1.0.0'),
      },
      { 'r.io/api': ['1.0.0', '1.1.0'], 'r.io/web': ['1.0.0', '1.2.0'] },
    );
    // A person updates web to 1.2.0 by hand while tagpilot is pushing.
    git.beforePush = () => git.personCommit({ 'web.yaml': file('semver:*', 'r.io/web:1.2.0') });
    const { summary } = await runCycle(deps, settings);
    assert.equal(summary.outcome, 'committed');
    assert.equal(summary.pushAttempts, 2);
    assert.deepEqual(sleeps, [5]);
    const [mine, person] = git.history();
    assert.equal(person?.message, 'person edit');
    assert.deepEqual(
      parseTrailers(mine!.message).map((t) => t.slot),
      ['default:deployment/api/api'],
      're-planned: web is already done',
    );
    assert.equal(registry.listed.get('r.io/api'), 1, 'scans are reused by the re-plan');
  });

  it('gives up after maxRetries races and reports it', async () => {
    const { git, deps } = setup(
      { 'api.yaml': file('semver:*', 'r.io/api:1.0.0') },
      { 'r.io/api': ['1.0.0', '1.1.0'] },
    );
    let n = 0;
    const race = (): void => {
      git.personCommit({ [`other-${(n += 1)}.txt`]: 'x' });
      git.beforePush = race;
    };
    git.beforePush = race;
    const { summary } = await runCycle(deps, settings);
    assert.equal(summary.outcome, 'push-failed');
    assert.equal(summary.pushAttempts, 3);
    assert.match(summary.problems.join('\n'), /retries exhausted/);
    assert.equal(git.file('api.yaml'), file('semver:*', 'r.io/api:1.0.0'));
  });

  it('isolates a failing registry and a file that cannot be edited', async () => {
    const { git, deps } = setup(
      {
        'api.yaml': file('semver:*', 'r.io/api:1.0.0'),
        'gone.yaml': file('semver:*', 'r.io/gone:1.0.0'),
      },
      { 'r.io/api': ['1.0.0', '1.1.0'] },
    );
    const { summary } = await runCycle(deps, settings);
    assert.equal(summary.outcome, 'committed');
    assert.equal(summary.updated, 1);
    assert.equal(summary.errors, 1);
    assert.match(summary.problems.join('\n'), /r\.io\/gone: .*404/);
    assert.equal(git.file('api.yaml'), file('semver:*', 'r.io/api:1.1.0'));
  });

  it('writes nothing while suspended (config or state file) or in a dry run', async () => {
    for (const variant of ['config', 'state', 'dry-run'] as const) {
      const files: Record<string, string> = { 'api.yaml': file('semver:*', 'r.io/api:1.0.0') };
      if (variant === 'state') files[STATE_FILE] = 'suspend:\n  by: ann\n';
      const { git, deps } = setup(files, { 'r.io/api': ['1.0.0', '1.1.0'] });
      const { summary } = await runCycle(deps, {
        ...settings,
        suspended: variant === 'config',
        write: variant !== 'dry-run',
      });
      assert.equal(summary.outcome, variant === 'dry-run' ? 'dry-run' : 'suspended', variant);
      assert.equal(summary.pending, 1);
      assert.equal(git.history().length, 1, variant);
    }
  });

  it('holds a rolled-back slot and releases it when a newer tag appears', async () => {
    const { git, registry, deps } = setup(
      { 'api.yaml': file('semver:*', 'r.io/api:1.0.0') },
      { 'r.io/api': ['1.0.0', '1.1.0'] },
    );
    await runCycle(deps, settings);
    assert.equal(git.file('api.yaml'), file('semver:*', 'r.io/api:1.1.0'));
    git.personCommit({ 'api.yaml': file('semver:*', 'r.io/api:1.0.0') }, 'revert: 1.1.0 is broken');
    const held = await runCycle(deps, settings);
    assert.equal(held.summary.held, 1);
    assert.equal(held.summary.outcome, 'no-change');
    assert.equal(git.file('api.yaml'), file('semver:*', 'r.io/api:1.0.0'));
    registry.tags.set('r.io/api', ['1.0.0', '1.1.0', '1.1.1']);
    const released = await runCycle(deps, settings);
    assert.equal(released.summary.outcome, 'committed');
    assert.equal(git.file('api.yaml'), file('semver:*', 'r.io/api:1.1.1'));
  });

  it('re-reads files only when the head moved (FilesAtCommit)', async () => {
    const { git, deps } = setup(
      { 'api.yaml': file('semver:*', 'r.io/api:1.0.0') },
      { 'r.io/api': ['1.0.0'] },
    );
    const loop = { ...deps, files: new FilesAtCommit() };
    await runCycle(loop, settings);
    await runCycle(loop, settings);
    assert.equal(git.reads, 1, 'same head: the files of the last cycle are reused');
    git.personCommit({ 'other.yaml': 'x: 1\n' });
    await runCycle(loop, settings);
    assert.equal(git.reads, 2);
  });
});
