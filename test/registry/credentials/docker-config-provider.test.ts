import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import {
  CredentialError,
  chainCredentials,
  createCredentialChain,
} from '../../../src/registry/credentials/index.js';
import type { CloudCredentialProvider } from '../../../src/registry/providers/index.js';
import { REDACTED } from '../../../src/telemetry/index.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import { writeFakeHelper } from '../../support/registry-providers/helper-script.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('Docker config credentials with real files and real helper processes', () => {
  let dir: string;
  let bin: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-dockercfg-'));
    bin = path.join(dir, 'bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFakeHelper(bin, 'test', {
      'helped.example.com': { username: 'helper-user', secret: 'helper-secret-value' },
      'https://index.docker.io/v1/': { username: '<token>', secret: 'hub-identity-token-value' },
    });
    await writeFakeHelper(bin, 'broken', {}, { failWith: 'keychain locked for helper-user' });
    await writeFakeHelper(bin, 'slow', {}, { sleepSeconds: 5 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function chainFor(config: unknown, overrides: Record<string, unknown> = {}) {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
    const captured = captureLogger();
    const providers = registryProvidersSchema.parse({
      credentialHelpers: { timeout: '300ms', ...overrides },
      ecr: { enabled: false },
      gcp: { enabled: false },
      acr: { enabled: false },
    });
    const chain = createCredentialChain(
      { dockerConfigFile: file, providers },
      { redactor: captured.redactor, logger: captured.logger, pathValue: `/nonexistent:${bin}` },
    );
    return { chain, captured, file };
  }

  it('runs the credHelpers helper with `get` and the host on stdin', async () => {
    const { chain, captured } = await chainFor({ credHelpers: { 'helped.example.com': 'test' } });
    assert.deepEqual(await chain.credentialsFor('helped.example.com'), {
      kind: 'basic',
      username: 'helper-user',
      password: 'helper-secret-value',
    });
    const asked = await readFile(path.join(bin, 'test.log'), 'utf8');
    assert.ok(asked.split('\n').includes('helped.example.com'));
    assert.equal(captured.redactor.redact('x helper-secret-value y'), `x ${REDACTED} y`);
  });

  it('asks the helper about Docker Hub by its index URL and reads `<token>` as an identity token', async () => {
    const { chain } = await chainFor({ credHelpers: { 'index.docker.io': 'test' } });
    assert.deepEqual(await chain.credentialsFor('docker.io'), {
      kind: 'identity-token',
      username: '',
      token: 'hub-identity-token-value',
    });
    const asked = await readFile(path.join(bin, 'test.log'), 'utf8');
    assert.ok(asked.split('\n').includes('https://index.docker.io/v1/'));
  });

  it('falls back to the auths entry when the helper has nothing for the host', async () => {
    const { chain } = await chainFor({
      auths: { 'other.example.com': { auth: b64('u:file-pass') } },
      credHelpers: { 'other.example.com': 'test' },
    });
    assert.deepEqual(await chain.credentialsFor('other.example.com'), {
      kind: 'basic',
      username: 'u',
      password: 'file-pass',
    });
  });

  it('names the missing helper and the file when it is not on PATH', async () => {
    const { chain, file } = await chainFor({ credHelpers: { 'reg.example.com': 'nope' } });
    await assert.rejects(chain.credentialsFor('reg.example.com'), (error: unknown) => {
      assert.ok(error instanceof CredentialError);
      assert.equal(error.code, 'REGISTRY_CREDENTIAL_HELPER_MISSING');
      assert.ok(error.message.includes('docker-credential-nope is not on PATH'));
      assert.ok(error.message.includes(`${file} credHelpers["reg.example.com"]`));
      return true;
    });
  });

  it('never runs a helper whose name would escape PATH', async () => {
    const { chain } = await chainFor({
      credHelpers: { 'reg.example.com': '../bin/docker-credential-test' },
    });
    await assert.rejects(chain.credentialsFor('reg.example.com'), {
      code: 'REGISTRY_CREDENTIAL_HELPER_MISSING',
    });
  });

  it('reports a failing helper in its own words, redacted', async () => {
    const { chain } = await chainFor({
      auths: { 'reg.example.com': { auth: b64('helper-user:zzz-secret') } },
      credHelpers: { 'reg.example.com': 'broken' },
    });
    await assert.rejects(chain.credentialsFor('reg.example.com'), (error: unknown) => {
      assert.ok(error instanceof CredentialError);
      assert.equal(error.code, 'REGISTRY_CREDENTIAL_HELPER_FAILED');
      assert.match(
        error.message,
        /docker-credential-broken failed for reg\.example\.com \(exit 2\): keychain locked/,
      );
      return true;
    });
  });

  it('kills a helper that does not answer in time, as a transient failure', async () => {
    const { chain } = await chainFor({ credHelpers: { 'reg.example.com': 'slow' } });
    const started = Date.now();
    await assert.rejects(chain.credentialsFor('reg.example.com'), (error: unknown) => {
      assert.ok(error instanceof CredentialError);
      assert.equal(error.code, 'REGISTRY_CREDENTIAL_HELPER_FAILED');
      assert.equal(error.transient, true);
      assert.match(error.message, /did not answer for reg\.example\.com within 300 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 4000, 'killed long before its 5 s sleep ended');
  });

  it('reads hosts the user never logged in to anonymously when the credsStore helper is missing', async () => {
    const { chain, captured } = await chainFor({
      auths: { 'listed.example.com': {} },
      credsStore: 'desktop',
    });
    assert.equal(await chain.credentialsFor('ghcr.io'), undefined);
    assert.equal(await chain.credentialsFor('quay.io'), undefined);
    const warnings = captured.lines.filter((line) =>
      line.includes('credsStore helper not on PATH'),
    );
    assert.equal(warnings.length, 1, 'warned once');
    await assert.rejects(
      chain.credentialsFor('listed.example.com'),
      /docker-credential-desktop is not on PATH/,
    );
  });

  it('refuses credHelpers entries when helpers are disabled by config', async () => {
    const { chain } = await chainFor(
      { credHelpers: { 'helped.example.com': 'test' } },
      { enabled: false },
    );
    await assert.rejects(
      chain.credentialsFor('helped.example.com'),
      /credential helpers are disabled/,
    );
  });

  it('sees a rotated Secret file without a restart', async () => {
    const { chain, file } = await chainFor({
      auths: { 'reg.example.com': { auth: b64('u:first-pass') } },
    });
    assert.equal((await chain.credentialsFor('reg.example.com'))?.kind, 'basic');
    await writeFile(
      file,
      JSON.stringify({ auths: { 'reg.example.com': { auth: b64('u:second-pass') } } }),
    );
    assert.deepEqual(await chain.credentialsFor('reg.example.com'), {
      kind: 'basic',
      username: 'u',
      password: 'second-pass',
    });
  });

  it('names the file when it cannot be read', async () => {
    const captured = captureLogger();
    const chain = createCredentialChain(
      {
        dockerConfigFile: path.join(dir, 'missing.json'),
        providers: registryProvidersSchema.parse({}),
      },
      { redactor: captured.redactor, logger: captured.logger, pathValue: bin },
    );
    await assert.rejects(chain.credentialsFor('reg.example.com'), (error: unknown) => {
      assert.ok(error instanceof CredentialError);
      assert.equal(error.code, 'REGISTRY_CREDENTIALS_FILE_UNREADABLE');
      assert.ok(error.message.includes(path.join(dir, 'missing.json')));
      assert.ok(error.message.includes('ENOENT'));
      return true;
    });
  });

  it('registers every secret of the file before anything can log it', async () => {
    const { chain, captured } = await chainFor({
      auths: {
        'a.example.com': { auth: b64('alice:alice-secret-pass') },
        'b.example.com': { identitytoken: 'bob-identity-token' },
      },
    });
    const a = await chain.credentialsFor('a.example.com');
    const b = await chain.credentialsFor('b.example.com');
    captured.logger.info(
      { a, b, raw: b64('alice:alice-secret-pass') },
      'looked up alice-secret-pass bob-identity-token',
    );
    const text = captured.text();
    for (const secret of [
      'alice-secret-pass',
      'bob-identity-token',
      b64('alice:alice-secret-pass'),
    ]) {
      assert.ok(!text.includes(secret), `${secret} leaked into the log`);
    }
    assert.ok(text.includes('looked up'));
  });
});

describe('chainCredentials', () => {
  const calls: string[] = [];
  const cloud = (name: 'ecr' | 'gcp', suffix: string): CloudCredentialProvider => ({
    name,
    handles: (host) => host.endsWith(suffix),
    credentialsFor: (host) => {
      calls.push(`${name}:${host}`);
      return Promise.resolve({ kind: 'basic', username: name, password: 'from-cloud' });
    },
  });
  const fileProvider = {
    credentialsFor: (host: string) =>
      Promise.resolve(
        host === 'pinned.gcr.io'
          ? { kind: 'basic' as const, username: 'file', password: 'p' }
          : undefined,
      ),
  };
  const chain = chainCredentials(fileProvider, [
    cloud('ecr', '.amazonaws.com'),
    cloud('gcp', 'gcr.io'),
  ]);

  it('lets the Docker config win, then asks only the provider that handles the host', async () => {
    assert.equal((await chain.credentialsFor('pinned.gcr.io')) && 'file', 'file');
    assert.deepEqual(await chain.credentialsFor('eu.gcr.io'), {
      kind: 'basic',
      username: 'gcp',
      password: 'from-cloud',
    });
    assert.equal(await chain.credentialsFor('ghcr.io'), undefined);
    assert.deepEqual(calls, ['gcp:eu.gcr.io']);
  });
});
