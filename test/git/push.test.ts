/**
 * Push outcomes against a real `git http-backend`: races (detected from the advertisement and by
 * the server's compare-and-swap), concurrent writers, the bot branch with a lease, a declining
 * pre-receive hook, and read-only credentials.
 */
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitAuthFailed, PushRaced, PushRefused, type GitHttpClient } from '../../src/git/index.js';
import { createHttpsClient } from '../../src/git/transport/https.js';
import { SecretRedactor } from '../../src/telemetry/index.js';
import { startGitHttpServer, type GitHttpServer } from '../support/git/http-server.js';
import { bytes, openTestStore } from '../support/git/fixture.js';
import { cloneWork, commitFiles, createBareRepo, gitCli, tempDir } from '../support/git/repos.js';

const BASE = {
  'apps/a/deploy.yaml': { content: 'image: a:1\n' },
  'apps/b/deploy.yaml': { content: 'image: b:1\n' },
};

async function otherWriterPushes(bare: string, file: string, content: string): Promise<string> {
  const writer = await cloneWork(bare);
  const oid = await commitFiles(writer, { [file]: { content } }, `person edits ${file}`);
  await gitCli(['push', '-q', 'origin', 'HEAD:main'], writer);
  await rm(writer, { recursive: true, force: true });
  return oid;
}

const remoteMain = async (bare: string): Promise<string> =>
  (await gitCli(['rev-parse', 'main'], bare)).trim();

describe('push outcomes over git http-backend', () => {
  let root: string;
  let server: GitHttpServer;

  before(async () => {
    root = await tempDir('srv');
    server = await startGitHttpServer({ root });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('detects a moved branch from the advertisement: PushRaced, nothing uploaded, new head fetched', async () => {
    const { bare } = await createBareRepo(root, 'race.git', [BASE]);
    const store = await openTestStore(server.url('race.git'));
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bump a');
      const theirs = await otherWriterPushes(bare, 'apps/b/deploy.yaml', 'image: b:9\n');
      const mark = server.requests.length;
      const error = await store.push().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof PushRaced, String(error));
      assert.equal(error.transient, true);
      assert.equal(error.remoteHead, theirs);
      assert.equal(await remoteMain(bare), theirs, 'remote unchanged by us');
      assert.equal(
        server.requests.slice(mark).filter((r) => r.url.endsWith('/git-receive-pack')).length,
        0,
      );
      // The store now sits on the new head, ready for the cycle to re-plan.
      assert.equal(await store.head(), theirs);
      await gitCli(['fsck', '--full'], bare);
    } finally {
      await store.close();
    }
  });

  it('turns the server compare-and-swap refusal into PushRaced (branch moved after the advertisement)', async () => {
    const { bare } = await createBareRepo(root, 'cas.git', [BASE]);
    const base = createHttpsClient({ url: server.url('cas.git') });
    let theirs: string | undefined;
    const sneaky: GitHttpClient = {
      async request(request) {
        if (request.method === 'POST' && request.url.endsWith('/git-receive-pack')) {
          theirs = await otherWriterPushes(bare, 'apps/b/deploy.yaml', 'image: b:7\n');
        }
        return base.request(request);
      },
    };
    const store = await openTestStore(server.url('cas.git'), { http: sneaky });
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bump a');
      const error = await store.push().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof PushRaced, String(error));
      assert.equal(error.remoteHead, theirs);
      assert.equal(await remoteMain(bare), theirs);
      assert.equal(await store.head(), theirs);
    } finally {
      await store.close();
    }
  });

  it('lets two concurrent writers land one commit each, the loser re-planning after PushRaced', async () => {
    const { bare, oids } = await createBareRepo(root, 'concurrent.git', [BASE]);
    const one = await openTestStore(server.url('concurrent.git'));
    const two = await openTestStore(server.url('concurrent.git'));
    try {
      await Promise.all([one.sync(), two.sync()]);
      await one.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'one');
      await two.commit([{ path: 'apps/b/deploy.yaml', bytes: bytes('image: b:2\n') }], 'two');
      const results = await Promise.allSettled([one.push(), two.push()]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.ok((lost[0] as PromiseRejectedResult).reason instanceof PushRaced);
      const loser = results[0].status === 'rejected' ? one : two;
      const [file, content] =
        loser === one
          ? ['apps/a/deploy.yaml', 'image: a:2\n']
          : ['apps/b/deploy.yaml', 'image: b:2\n'];
      await loser.sync();
      await loser.commit([{ path: file, bytes: bytes(content) }], 'retry');
      await loser.push();
      const log = (await gitCli(['log', '--format=%s', 'main'], bare)).trim().split('\n');
      assert.equal(log.length, 3);
      assert.equal(log[2], 'commit 1');
      assert.equal((await gitCli(['rev-list', '--count', '--merges', 'main'], bare)).trim(), '0');
      assert.equal(await gitCli(['show', 'main:apps/a/deploy.yaml'], bare), 'image: a:2\n');
      assert.equal(await gitCli(['show', 'main:apps/b/deploy.yaml'], bare), 'image: b:2\n');
      assert.notEqual(await remoteMain(bare), oids[0]);
      await gitCli(['fsck', '--full'], bare);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('pushes to a bot branch as base head + one commit, replacing it with a lease', async () => {
    const { bare, oids } = await createBareRepo(root, 'bot.git', [BASE]);
    const store = await openTestStore(server.url('bot.git'), { pushBranch: 'tagpilot/updates' });
    try {
      await store.sync();
      const first = await store.commit(
        [{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }],
        'bot 1',
      );
      await store.push();
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim(), first);
      assert.equal(await remoteMain(bare), oids[0], 'the base branch is never pushed');

      // Next cycle: base unchanged, a different change; the bot branch is replaced, not stacked.
      await store.sync();
      const second = await store.commit(
        [{ path: 'apps/b/deploy.yaml', bytes: bytes('image: b:2\n') }],
        'bot 2',
      );
      await store.push();
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim(), second);
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates^'], bare)).trim(), oids[0]);
      assert.equal(await remoteMain(bare), oids[0]);

      // The base moved: the bot commit would be stale, so PushRaced and the new base fetched.
      const moved = await otherWriterPushes(bare, 'apps/b/deploy.yaml', 'image: b:5\n');
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:3\n') }], 'bot 3');
      await assert.rejects(
        store.push(),
        (e: unknown) => e instanceof PushRaced && e.remoteHead === moved,
      );
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim(), second);
      await gitCli(['fsck', '--full'], bare);
    } finally {
      await store.close();
    }
  });

  it('fails the lease when the bot branch moved after the advertisement', async () => {
    const { bare } = await createBareRepo(root, 'lease.git', [BASE]);
    const base = createHttpsClient({ url: server.url('lease.git') });
    let someoneElse: string | undefined;
    const sneaky: GitHttpClient = {
      async request(request) {
        if (request.method === 'POST' && request.url.endsWith('/git-receive-pack')) {
          const writer = await cloneWork(bare);
          someoneElse = await commitFiles(
            writer,
            { 'x.txt': { content: 'x\n' } },
            'human on bot branch',
          );
          await gitCli(['push', '-q', 'origin', 'HEAD:refs/heads/tagpilot/updates'], writer);
          await rm(writer, { recursive: true, force: true });
        }
        return base.request(request);
      },
    };
    const store = await openTestStore(server.url('lease.git'), {
      pushBranch: 'tagpilot/updates',
      http: sneaky,
    });
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bot');
      await assert.rejects(store.push(), PushRaced);
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim(), someoneElse);
    } finally {
      await store.close();
    }
  });

  it('reports a bot-branch replacement refused by receive.denyNonFastForwards as PushRefused, not a race', async () => {
    const { bare } = await createBareRepo(root, 'denynff.git', [BASE]);
    await gitCli(['config', 'receive.denyNonFastForwards', 'true'], bare);
    const store = await openTestStore(server.url('denynff.git'), {
      pushBranch: 'tagpilot/updates',
    });
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bot 1');
      await store.push();
      await store.sync();
      const before = (await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim();
      await store.commit([{ path: 'apps/b/deploy.yaml', bytes: bytes('image: b:2\n') }], 'bot 2');
      await assert.rejects(
        store.push(),
        (e: unknown) =>
          e instanceof PushRefused &&
          e.ref === 'refs/heads/tagpilot/updates' &&
          /refused the push to tagpilot\/updates: non-fast-forward/.test(e.message),
      );
      assert.equal((await gitCli(['rev-parse', 'tagpilot/updates'], bare)).trim(), before);
    } finally {
      await store.close();
    }
  });

  it("surfaces a pre-receive hook's message in PushRefused", async () => {
    const { bare, oids } = await createBareRepo(root, 'hook.git', [BASE]);
    const hook = path.join(bare, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "policy: main is frozen until Friday" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const store = await openTestStore(server.url('hook.git'));
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bump');
      const error = await store.push().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof PushRefused, String(error));
      assert.equal(error.transient, false);
      assert.equal(error.code, 'GIT_PUSH_REFUSED');
      assert.match(error.message, /refused the push to main: pre-receive hook declined/);
      assert.match(error.message, /remote: policy: main is frozen until Friday/);
      assert.match(error.serverMessage ?? '', /policy: main is frozen until Friday/);
      assert.equal(await remoteMain(bare), oids[0]);
    } finally {
      await store.close();
    }
  });
});

describe('HTTPS credentials over git http-backend with Basic auth', () => {
  let root: string;
  let server: GitHttpServer;
  let tokens: string;

  before(async () => {
    root = await tempDir('srv-auth');
    tokens = await tempDir('tokens');
    server = await startGitHttpServer({
      root,
      users: {
        reader: { password: 'read-only-token-1234', canPush: false },
        writer: { password: 'read-write-token-5678', canPush: true },
      },
    });
    await createBareRepo(root, 'auth.git', [BASE], { receivePack: false });
  });
  after(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
    await rm(tokens, { recursive: true, force: true });
  });

  const tokenFile = async (name: string, token: string): Promise<string> => {
    const file = path.join(tokens, name);
    await writeFile(file, `${token}\n`);
    return file;
  };

  it('says a read-only token can read but not push (HTTP 403), without the token in the message', async () => {
    const redactor = new SecretRedactor();
    const store = await openTestStore(server.url('auth.git'), {
      tokenFile: await tokenFile('reader', 'read-only-token-1234'),
      username: 'reader',
      redactor,
    });
    try {
      await store.sync();
      await store.commit([{ path: 'apps/a/deploy.yaml', bytes: bytes('image: a:2\n') }], 'bump');
      const error = await store.push().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof PushRefused, String(error));
      assert.match(
        error.message,
        /^the credentials for 127\.0\.0\.1:\d+ can read but not push \(HTTP 403/,
      );
      assert.doesNotMatch(`${error.message} ${error.stack ?? ''}`, /read-only-token-1234/);
      assert.equal(redactor.redact('x read-only-token-1234 y'), 'x [REDACTED] y');
      // Credentials were sent up front, so no 401 round trips.
      assert.equal(server.requests.filter((r) => r.status === 401).length, 0);
    } finally {
      await store.close();
    }
  });

  it('pushes with a write token', async () => {
    const store = await openTestStore(server.url('auth.git'), {
      tokenFile: await tokenFile('writer', 'read-write-token-5678'),
      username: 'writer',
    });
    try {
      await store.sync();
      const commit = await store.commit(
        [{ path: 'apps/b/deploy.yaml', bytes: bytes('image: b:2\n') }],
        'bump',
      );
      await store.push();
      assert.equal(await remoteMain(path.join(root, 'auth.git')), commit);
    } finally {
      await store.close();
    }
  });

  it('reports missing and wrong credentials as GitAuthFailed naming the host', async () => {
    const anonymous = await openTestStore(server.url('auth.git'));
    try {
      await assert.rejects(
        anonymous.sync(),
        (e: unknown) =>
          e instanceof GitAuthFailed && /requires credentials to fetch \(HTTP 401/.test(e.message),
      );
    } finally {
      await anonymous.close();
    }
    const wrong = await openTestStore(server.url('auth.git'), {
      tokenFile: await tokenFile('wrong', 'not-the-token'),
      username: 'writer',
    });
    try {
      await assert.rejects(
        wrong.sync(),
        (e: unknown) =>
          e instanceof GitAuthFailed &&
          /refused the configured Git credentials/.test(e.message) &&
          !e.message.includes('not-the-token'),
      );
    } finally {
      await wrong.close();
    }
  });
});
