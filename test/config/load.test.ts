import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseDuration } from '../../src/config/index.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tagpilot-config-'));
}

function withFile(text: string, name = 'tagpilot.yaml'): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

function expectConfigError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('loadConfig', () => {
  it('builds defaults when no file exists', () => {
    const dir = tempDir();
    const { config, file } = loadConfig({ cwd: dir, env: { HOME: dir } });
    assert.equal(file, undefined);
    assert.deepEqual(config.repositories, []);
    assert.equal(config.log.level, 'info');
    assert.equal(config.automation.interval, 5 * 60_000);
    assert.equal(config.cache.dir, join(dir, '.cache', 'tagpilot'));
  });

  it('finds ./tagpilot.yaml, TAGPILOT_CONFIG, then --config, in increasing precedence', () => {
    const local = withFile('log: { level: warn }\n');
    assert.equal(loadConfig({ cwd: local.dir, env: {} }).config.log.level, 'warn');
    const viaEnv = withFile('log: { level: error }\n', 'other.yaml');
    assert.equal(
      loadConfig({ cwd: local.dir, env: { TAGPILOT_CONFIG: viaEnv.file } }).config.log.level,
      'error',
    );
    const viaFlag = withFile('log: { level: debug }\n', 'flag.yaml');
    const loaded = loadConfig({
      cwd: local.dir,
      env: { TAGPILOT_CONFIG: viaEnv.file },
      configFile: viaFlag.file,
    });
    assert.equal(loaded.config.log.level, 'debug');
    assert.equal(loaded.file, viaFlag.file);
  });

  it('fails when an explicitly named file is missing, saying where the name came from', () => {
    const dir = tempDir();
    expectConfigError(
      () => loadConfig({ cwd: dir, env: {}, configFile: 'nope.yaml' }),
      /nope\.yaml \(from --config\) does not exist/,
    );
    expectConfigError(
      () => loadConfig({ cwd: dir, env: { TAGPILOT_CONFIG: 'gone.yaml' } }),
      /from TAGPILOT_CONFIG/,
    );
  });

  it('reads repositories as a list with defaults per entry', () => {
    const { dir } = withFile(
      'repositories:\n  - url: https://git.example.com/fleet.git\n    paths: [clusters/prod]\n',
    );
    const [repo] = loadConfig({ cwd: dir, env: {} }).config.repositories;
    assert.deepEqual(repo, {
      url: 'https://git.example.com/fleet.git',
      branch: 'main',
      paths: ['clusters/prod'],
      defaultNamespace: 'default',
    });
  });

  it('environment variables override the file; flags override both', () => {
    const { dir } = withFile('log: { level: warn, format: text }\nautomation: { interval: 1m }\n');
    const env = {
      TAGPILOT_LOG_LEVEL: 'error',
      TAGPILOT_AUTOMATION_INTERVAL: '90s',
      TAGPILOT_CACHE_DIR: 'cache',
    };
    const { config } = loadConfig({
      cwd: dir,
      env,
      overrides: [{ path: ['log', 'level'], value: 'debug', flag: '--log-level' }],
    });
    assert.equal(config.log.level, 'debug');
    assert.equal(config.log.format, 'text');
    assert.equal(config.automation.interval, 90_000);
    assert.equal(
      config.cache.dir,
      join(dir, 'cache'),
      'relative cache dirs resolve against the working directory',
    );
  });

  it('maps nested keys to TAGPILOT_<SECTION>_<KEY> names derived from the schema', () => {
    const dir = tempDir();
    const { config } = loadConfig({
      cwd: dir,
      env: { TAGPILOT_GIT_AUTHOR_NAME: 'bot', TAGPILOT_GIT_TOKEN_FILE: '/run/secrets/token' },
    });
    assert.equal(config.git.author.name, 'bot');
    assert.equal(config.git.tokenFile, '/run/secrets/token');
  });

  it('refuses an unknown TAGPILOT_ variable instead of ignoring it', () => {
    expectConfigError(
      () => loadConfig({ cwd: tempDir(), env: { TAGPILOT_LOG_LEVL: 'debug' } }),
      /unknown environment variable TAGPILOT_LOG_LEVL.*TAGPILOT_LOG_LEVEL/,
    );
  });

  it('names the variable when an environment value has the wrong type', () => {
    expectConfigError(
      () => loadConfig({ cwd: tempDir(), env: { TAGPILOT_AUTOMATION_INTERVAL: 'soon' } }),
      /TAGPILOT_AUTOMATION_INTERVAL: expected a duration/,
    );
    expectConfigError(
      () => loadConfig({ cwd: tempDir(), env: { TAGPILOT_LOG_LEVEL: 'loud' } }),
      /environment variable TAGPILOT_LOG_LEVEL: log\.level/,
    );
  });

  it('reports an unknown key with file, line and key', () => {
    const { dir, file } = withFile('log:\n  level: info\n  colour: true\n');
    expectConfigError(
      () => loadConfig({ cwd: dir, env: {} }),
      new RegExp(`${file.replace(/[.]/g, '\\.')}:3: unknown key "log\\.colour"`),
    );
  });

  it('reports a wrong type with file, line, key and the expected type', () => {
    const { dir, file } = withFile(
      'repositories:\n  - url: https://x/y.git\n    paths: clusters\n',
    );
    expectConfigError(
      () => loadConfig({ cwd: dir, env: {} }),
      new RegExp(`${file.replace(/[.]/g, '\\.')}:3: repositories\\.0\\.paths: .*expected array`),
    );
  });

  it('reports malformed YAML with file, line and column', () => {
    const { dir, file } = withFile('log:\n  level: [info\n');
    expectConfigError(
      () => loadConfig({ cwd: dir, env: {} }),
      new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: not valid YAML`),
    );
  });

  it('refuses a top level that is not a mapping', () => {
    const { dir } = withFile('- just\n- a list\n');
    expectConfigError(() => loadConfig({ cwd: dir, env: {} }), /expected a mapping of sections/);
  });

  it('uses the Docker CLI config.json when none is configured and it exists', () => {
    const home = tempDir();
    assert.equal(
      loadConfig({ cwd: home, env: { HOME: home } }).config.registries.dockerConfigFile,
      undefined,
    );
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), '{"auths":{}}');
    assert.equal(
      loadConfig({ cwd: home, env: { HOME: home } }).config.registries.dockerConfigFile,
      join(home, '.docker', 'config.json'),
    );
    const other = tempDir();
    writeFileSync(join(other, 'config.json'), '{}');
    assert.equal(
      loadConfig({ cwd: home, env: { HOME: home, DOCKER_CONFIG: other } }).config.registries
        .dockerConfigFile,
      join(other, 'config.json'),
    );
    const { dir } = withFile('registries:\n  dockerConfigFile: /run/secrets/docker.json\n');
    assert.equal(
      loadConfig({ cwd: dir, env: { HOME: home } }).config.registries.dockerConfigFile,
      '/run/secrets/docker.json',
    );
  });

  it('returns a deeply frozen config', () => {
    const { dir } = withFile('repositories:\n  - url: /srv/fleet\n');
    const { config } = loadConfig({ cwd: dir, env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.repositories));
    assert.ok(Object.isFrozen(config.repositories[0]?.paths));
    assert.throws(() => {
      (config.log as { level: string }).level = 'debug';
    }, TypeError);
  });
});

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['5', undefined],
    ['m', undefined],
    ['-5m', undefined],
    ['5 minutes', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${String(expected)}`, () => {
      assert.equal(parseDuration(text), expected);
    });
  }
});
