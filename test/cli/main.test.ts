import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/commands.js';
import { formatTable } from '../../src/cli/output.js';
import { runCli } from '../support/cli.js';

describe('tagpilot (the command frame)', () => {
  it('prints help and exits 0 for --help', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot/);
    assert.match(result.stdout, /parse-image/);
  });

  it('every command has --help that exits 0', async () => {
    assert.ok(COMMANDS.length >= 2);
    const help = await runCli(['--help']);
    const names = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]+)/gm)]
      .map((match) => match[1]!)
      .filter((name) => name !== 'help');
    assert.ok(names.length >= COMMANDS.length, `found ${names.join(', ')}`);
    for (const name of names) {
      const result = await runCli([name, '--help']);
      assert.equal(result.code, 0, `${name} --help`);
      assert.match(result.stdout, new RegExp(`Usage: tagpilot ${name}`));
    }
  });

  it('exits 2 on an unknown command or option, with a hint', async () => {
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const badOption = await runCli(['parse-image', '--nope', 'x']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /unknown option '--nope'/);
  });

  it('exits 2 with no arguments, after printing help', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /Usage: tagpilot/);
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 naming the file and key when the config is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagpilot-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'log:\n  level: loud\n');
    const { CliContext } = await import('../../src/cli/context.js');
    const context = new CliContext(
      {
        stdout: { write: () => true },
        stderr: { write: () => true },
        stdin: Readable.from(['']),
        env: {},
        cwd: dir,
      },
      () => ({ config: 'bad.yaml' }),
    );
    assert.throws(() => context.config(), /bad\.yaml:2: log\.level/);
  });
});

describe('tagpilot parse-image', () => {
  it('prints the parsed reference as JSON', async () => {
    const result = await runCli(['parse-image', 'nginx:1.25']);
    assert.equal(result.code, 0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(parsed.registry, 'docker.io');
    assert.equal(parsed.repository, 'library/nginx');
    assert.equal(parsed.tag, '1.25');
    assert.equal(parsed.digest, null);
    assert.equal(parsed.canonical, 'docker.io/library/nginx:1.25');
  });

  it('exits 2 with the problem for an invalid reference', async () => {
    const result = await runCli(['parse-image', 'Docker/Nginx']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /invalid image reference "Docker\/Nginx": repository name "Nginx" must be lower-case/,
    );
    assert.equal(result.stdout, '');
  });
});

describe('bin/tagpilot', () => {
  it('runs from a clone through tsx and returns the exit code', async () => {
    const bin = new URL('../../bin/tagpilot', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(bin, ['parse-image', 'ghcr.io/acme/api:1.4.2']);
    assert.equal((JSON.parse(stdout) as { registry: string }).registry, 'ghcr.io');
    await assert.rejects(
      promisify(execFile)(bin, ['parse-image', ':x']),
      (error: unknown) => (error as { code?: number }).code === 2,
    );
  });
});

describe('formatTable', () => {
  it('aligns columns under upper-case headers', () => {
    const text = formatTable(
      [
        { name: 'api', tag: '1.4.3' },
        { name: 'worker-long', tag: '2' },
      ],
      [
        { header: 'name', value: (row) => row.name },
        { header: 'tag', value: (row) => row.tag },
      ],
    );
    assert.equal(text, 'NAME         TAG\napi          1.4.3\nworker-long  2\n');
  });
});
