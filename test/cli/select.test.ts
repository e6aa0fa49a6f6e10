import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tagpilot-select-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('tagpilot select', () => {
  it('runs the demo: semver:~1.4 from 1.4.2 over examples/tags/api.tsv chooses 1.4.3', async () => {
    const result = await runCli(
      ['select', 'semver:~1.4', '--current', '1.4.2', '--tags-from', 'examples/tags/api.tsv'],
      { cwd: REPO },
    );
    assert.equal(result.code, 0, result.stderr);
    const [tag, reason, ...rest] = result.stdout.split('\n');
    assert.equal(tag, '1.4.3');
    assert.equal(
      reason,
      'update 1.4.2 to 1.4.3, the highest version matching semver ~1.4 (strict); 3 of 8 tags matched, runner-up 1.4.2',
    );
    assert.deepEqual(rest, ['']);
    assert.equal(result.stderr, '');
  });

  it('runs the documented examples: extract by ts, glob by build time', async () => {
    const extract = await runCli(
      [
        'select',
        'regex:^main-[0-9a-f]+-(?P<ts>[0-9]+)$',
        '--current',
        'main-3f9c2a1-1762772400',
        '--tags-from',
        'examples/tags/main-builds.txt',
      ],
      { cwd: REPO },
    );
    assert.equal(extract.code, 0, extract.stderr);
    assert.match(extract.stdout, /^main-0a1b2c3-1762858800\nupdate main-3f9c2a1-1762772400 to /);
    const glob = await runCli(['select', 'glob:prod-*', '--tags-from', 'examples/tags/prod.tsv'], {
      cwd: REPO,
    });
    assert.equal(glob.code, 0, glob.stderr);
    assert.match(glob.stdout, /^prod-0a1b2c3\nchoose prod-0a1b2c3, the newest build/);
  });

  it('reads tags from stdin by default, skipping blanks and comments', async () => {
    const result = await runCli(['select', 'semver:^1'], {
      stdin: '# candidates\n1.0.0\n\n1.2.0\r\n2.0.0\n',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^1\.2\.0\nchoose 1\.2\.0, the highest version matching semver \^1 \(strict\); 2 of 3 tags matched, runner-up 1\.0\.0\n$/,
    );
  });

  it('keeps the current tag and says so', async () => {
    const result = await runCli(['select', 'semver:~1.4', '--current', '1.4.3'], {
      stdin: '1.4.0\n1.4.3\n1.5.0\n',
    });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^1\.4\.3\nkeep 1\.4\.3: no tag ranks above it/);
  });

  it('orders globs by the times in "tag<TAB>RFC 3339" lines', async () => {
    const cwd = dirWith({
      'tags.tsv':
        'prod-a\t2026-01-02T00:00:00Z\nprod-b\t2026-01-03T00:00:00+01:00\nprod-c\t2026-01-01T00:00:00Z\n',
    });
    const result = await runCli(['select', 'glob:prod-*', '--tags-from', 'tags.tsv'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^prod-b\nchoose prod-b, the newest build matching glob prod-\* by build time/,
    );
  });

  it('exits 1 with a clear message when globs have no build times', async () => {
    const result = await runCli(['select', 'glob:*'], { stdin: 'a\nb\n' });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^tagpilot: glob \* by build time needs image build times, unknown for 2 of 2 tags/,
    );
  });

  it('exits 1 with a clear message when nothing matches', async () => {
    const result = await runCli(['select', 'semver:^9', '--current', '1.0.0'], {
      stdin: '1.0.0\n2.0.0\n',
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'tagpilot: none of the 2 tags matches semver ^9 (strict); the current tag 1.0.0 does not match either\n',
    );
  });

  it('exits 2 on a bad policy, naming the expression and the reason', async () => {
    const result = await runCli(['select', 'semver:banana'], { stdin: '1.0.0\n' });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'tagpilot: policy: invalid policy "semver:banana": "banana" is not a semver range\n',
    );
  });

  it('exits 2 naming file and line for a malformed tag or time', async () => {
    const cwd = dirWith({ 'bad.tsv': '1.0.0\nnot a tag\n', 'time.tsv': '1.0.0\tyesterday\n' });
    const tag = await runCli(['select', 'semver:*', '--tags-from', 'bad.tsv'], { cwd });
    assert.equal(tag.code, 2);
    assert.match(tag.stderr, /bad\.tsv:2: "not a tag" is not an image tag/);
    const time = await runCli(['select', 'semver:*', '--tags-from', 'time.tsv'], { cwd });
    assert.equal(time.code, 2);
    assert.match(time.stderr, /time\.tsv:1: "yesterday" is not an RFC 3339 time/);
    const fields = await runCli(['select', 'semver:*'], { stdin: 'a\tb\tc\n' });
    assert.equal(fields.code, 2);
    assert.match(fields.stderr, /<stdin>:1: expected "tag" or "tag<TAB>time", got 3 fields/);
  });

  it('exits 2 when the tags file cannot be read', async () => {
    const result = await runCli(['select', 'semver:*', '--tags-from', 'missing.txt']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read tags from missing\.txt: .*ENOENT/);
  });

  it('--semantics flux-v1 reads lenient versions, as Flux v1 did', async () => {
    const strict = await runCli(['select', 'semver:~1.0'], { stdin: '1.0\n1\n' });
    assert.equal(strict.code, 1);
    const flux = await runCli(['select', '--semantics', 'flux-v1', 'semver:~1.0'], {
      stdin: '1\n1.0\n1.0.1\n',
    });
    assert.equal(flux.code, 0, flux.stderr);
    assert.match(flux.stdout, /^1\.0\.1\n.*semver ~1\.0 \(Flux v1 lenient\)/);
  });

  it('--above holds a rolled-back slot', async () => {
    const result = await runCli(['select', 'semver:^1', '--current', '1.2.0', '--above', '1.3.0'], {
      stdin: '1.2.0\n1.3.0\n',
    });
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /^1\.2\.0\nkeep 1\.2\.0: held: no tag ranks above 1\.3\.0 \(rollback hold\)/,
    );
  });

  it('-o json prints the whole decision', async () => {
    const result = await runCli(['select', '-o', 'json', 'semver:~1.4', '--current', '1.4.2'], {
      stdin: '1.4.2\n1.4.3\n',
    });
    assert.equal(result.code, 0);
    const decision = JSON.parse(result.stdout) as {
      kind: string;
      change: string;
      to: { tag: string };
      reason: { matched: number; runnerUp: string };
    };
    assert.equal(decision.kind, 'update');
    assert.equal(decision.change, 'update');
    assert.equal(decision.to.tag, '1.4.3');
    assert.equal(decision.reason.matched, 2);
    assert.equal(decision.reason.runnerUp, '1.4.2');
  });

  it('has --help describing the output and exit codes', async () => {
    const result = await runCli(['select', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tagpilot select \[options\] <policy>/);
    assert.match(result.stdout, /Exit codes: 0 chosen/);
    assert.match(result.stdout, /--semantics <rules>/);
  });
});
