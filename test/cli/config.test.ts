import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';

describe('tagpilot config', () => {
  it('prints the effective config: file, then environment, then flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagpilot-config-cli-'));
    writeFileSync(
      join(dir, 'tagpilot.yaml'),
      'log: { level: warn }\nrepositories:\n  - url: /srv/fleet\n',
    );
    const result = await runCli(['--log-format', 'text', 'config', '-o', 'json'], {
      cwd: dir,
      env: { TAGPILOT_AUTOMATION_INTERVAL: '2m', HOME: dir },
    });
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as {
      file: string;
      log: { level: string; format: string };
      automation: { interval: number };
      repositories: { url: string; branch: string }[];
    };
    assert.equal(printed.file, join(dir, 'tagpilot.yaml'));
    assert.equal(printed.log.level, 'warn');
    assert.equal(printed.log.format, 'text');
    assert.equal(printed.automation.interval, 120_000);
    assert.deepEqual(
      printed.repositories.map((repo) => [repo.url, repo.branch]),
      [['/srv/fleet', 'main']],
    );
  });

  it('exits 2 with file, line and key for an invalid config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagpilot-config-cli-'));
    writeFileSync(join(dir, 'tagpilot.yaml'), 'cache:\n  size: 10\n');
    const result = await runCli(['config'], { cwd: dir, env: {} });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /tagpilot\.yaml:2: unknown key "cache\.size"/);
  });

  it('lists the settable variables, derived from the schema', async () => {
    const result = await runCli(['config', '--env', '-o', 'yaml']);
    assert.equal(result.code, 0);
    const rows = parse(result.stdout) as { variable: string; key: string; type: string }[];
    const byVariable = new Map(rows.map((row) => [row.variable, row]));
    assert.deepEqual(byVariable.get('TAGPILOT_LOG_LEVEL'), {
      variable: 'TAGPILOT_LOG_LEVEL',
      key: 'log.level',
      type: 'string',
    });
    assert.equal(byVariable.get('TAGPILOT_AUTOMATION_INTERVAL')?.type, 'duration');
    assert.ok(rows.every((row) => row.variable.startsWith('TAGPILOT_')));
  });
});
