/**
 * Every receiver type against its sender's published example payload (test/support/webhooks/
 * fixtures, each citing its source), delivered to the real webhook listener and signed the way
 * the sender signs: each must name the image repository or Git repository of the example, and
 * refuse the same delivery signed with another secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookType } from '../../src/config/index.js';
import { gitRepositoryKey, secretPath, type WebhookTrigger } from '../../src/server/index.js';
import { RECEIVER_TYPES } from '../../src/server/webhooks/index.js';
import * as bitbucket from '../support/webhooks/fixtures/bitbucket.js';
import * as gitea from '../support/webhooks/fixtures/gitea.js';
import * as github from '../support/webhooks/fixtures/github.js';
import * as gitlab from '../support/webhooks/fixtures/gitlab.js';
import * as registries from '../support/webhooks/fixtures/registries.js';
import { startGoogleDouble, type GoogleDouble } from '../support/webhooks/google-oidc.js';
import { startHarness, type Harness, type Reply } from '../support/webhooks/harness.js';

const SECRET = 'receiver-secret-0123456789';
const SIGNING_TOKEN = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const AUDIENCE = 'https://tagpilot.example/hook/gcr';
const EMAIL = 'push@my-project.iam.gserviceaccount.com';

const RECEIVERS: { name: string; type: WebhookType; extra?: Record<string, unknown> }[] = [
  { name: 'gh', type: 'github' },
  { name: 'gl', type: 'gitlab' },
  { name: 'gitea', type: 'gitea' },
  { name: 'bb', type: 'bitbucket', extra: { baseUrl: 'https://bitbucket.example.com' } },
  { name: 'hub', type: 'dockerhub' },
  { name: 'quay', type: 'quay' },
  { name: 'harbor', type: 'harbor' },
  { name: 'acr', type: 'acr', extra: { header: 'X-Registry-Token' } },
  { name: 'ecr', type: 'ecr', extra: { header: 'x-api-key' } },
  { name: 'dist', type: 'distribution' },
  { name: 'generic', type: 'generic-hmac' },
];

describe('receivers with published example payloads', () => {
  let h: Harness;
  let google: GoogleDouble;

  before(async () => {
    google = await startGoogleDouble();
    h = await startHarness({
      files: { secret: SECRET, signing: SIGNING_TOKEN },
      webhooks: {
        receivers: [
          ...RECEIVERS.map((r) => ({
            name: r.name,
            type: r.type,
            secretFile: 'secret',
            ...r.extra,
          })),
          { name: 'gl-signed', type: 'gitlab', signingTokenFile: 'signing' },
          {
            name: 'gcr',
            type: 'gcr',
            audience: AUDIENCE,
            serviceAccountEmail: EMAIL,
            jwksUrl: google.jwksUrl,
          },
        ],
      },
    });
  });
  after(async () => {
    await h.close();
    await google.close();
  });

  /** Posts `payload` as `type`'s sender would, signed with `secret`. */
  async function send(
    name: string,
    type: WebhookType,
    payload: unknown,
    headers: Record<string, string> = {},
    secret = SECRET,
  ): Promise<{ reply: Reply; trigger: WebhookTrigger | undefined }> {
    const sender = RECEIVER_TYPES[type].sender;
    assert.ok(sender);
    const body = Buffer.from(JSON.stringify(payload));
    const header = RECEIVERS.find((r) => r.name === name)?.extra?.header;
    const auth = sender.authenticate({ body, headers }, secret, {
      now: Date.now(),
      header: typeof header === 'string' ? header : 'Authorization',
    });
    const id = RECEIVER_TYPES[type].addressing === 'secret-path' ? secretPath(secret, name) : name;
    const before = h.triggers.length;
    const reply = await h.post(id, body, { ...headers, ...auth });
    return { reply, trigger: h.triggers.length > before ? h.triggers.at(-1) : undefined };
  }

  const image = (trigger: WebhookTrigger | undefined): string =>
    trigger?.kind === 'image' ? trigger.name : `not an image trigger: ${JSON.stringify(trigger)}`;
  const gitKeys = (trigger: WebhookTrigger | undefined): (string | undefined)[] =>
    trigger?.kind === 'git' ? trigger.urls.map(gitRepositoryKey) : [];

  it('github: push names the repository by its URLs', async () => {
    const { reply, trigger } = await send('gh', 'github', github.push, {
      'x-github-event': 'push',
      'x-github-delivery': 'gh-push-1',
    });
    assert.equal(reply.status, 202);
    assert.ok(gitKeys(trigger).includes('github.com/codertocat/hello-world'));
    assert.equal(trigger?.deliveryId, 'gh-push-1');
  });

  it('github: package and registry_package name the GHCR repository, never the tag', async () => {
    for (const [event, payload, id] of [
      ['package', github.packagePublished, 'gh-pkg-1'],
      ['registry_package', github.registryPackagePublished, 'gh-reg-1'],
    ] as const) {
      const { reply, trigger } = await send('gh', 'github', payload, {
        'x-github-event': event,
        'x-github-delivery': id,
      });
      assert.equal(reply.status, 202, event);
      assert.equal(image(trigger), 'ghcr.io/codertocat/hello-world', event);
    }
  });

  it('github: ping and other events are ignored with 202', async () => {
    const { reply, trigger } = await send(
      'gh',
      'github',
      { zen: 'Keep it logically awesome.' },
      {
        'x-github-event': 'ping',
        'x-github-delivery': 'gh-ping',
      },
    );
    assert.equal(reply.status, 202);
    assert.equal(reply.body.result, 'ignored');
    assert.equal(trigger, undefined);
  });

  it('gitlab: push with X-Gitlab-Token', async () => {
    const { reply, trigger } = await send('gl', 'gitlab', gitlab.push, {
      'x-gitlab-event': 'Push Hook',
      'idempotency-key': 'gl-1',
    });
    assert.equal(reply.status, 202);
    assert.ok(gitKeys(trigger).includes('example.com/mike/diaspora'));
    assert.equal(trigger?.deliveryId, 'gl-1');
  });

  it('gitlab: push signed with a Standard Webhooks signing token; stale timestamps refused', async () => {
    const headers = { 'x-gitlab-event': 'Push Hook', 'idempotency-key': 'gl-signed-1' };
    const { reply } = await send('gl-signed', 'gitlab', gitlab.push, headers, SIGNING_TOKEN);
    assert.equal(reply.status, 202);
    const sender = RECEIVER_TYPES.gitlab.sender;
    assert.ok(sender);
    const body = Buffer.from(JSON.stringify(gitlab.push));
    const old = sender.authenticate(
      { body, headers: { 'idempotency-key': 'gl-old' } },
      SIGNING_TOKEN,
      {
        now: Date.now() - 10 * 60_000,
        header: '',
      },
    );
    const stale = await h.post('gl-signed', body, { ...headers, ...old });
    assert.equal(stale.status, 401);
    const plain = await h.post('gl-signed', body, { ...headers, 'x-gitlab-token': SIGNING_TOKEN });
    assert.equal(plain.status, 401, 'a signing-token receiver refuses the plain token');
  });

  it('gitea/forgejo: push', async () => {
    const { reply, trigger } = await send('gitea', 'gitea', gitea.push, {
      'x-forgejo-event': 'push',
      'x-forgejo-delivery': gitea.deliveryId,
    });
    assert.equal(reply.status, 202);
    assert.ok(gitKeys(trigger).includes('localhost/forgejo/webhooks'));
    assert.equal(trigger?.deliveryId, gitea.deliveryId);
  });

  it('bitbucket: Cloud repo:push and Data Center repo:refs_changed', async () => {
    const cloud = await send('bb', 'bitbucket', bitbucket.cloudPush, {
      'x-event-key': 'repo:push',
      'x-request-uuid': 'bb-cloud-1',
    });
    assert.equal(cloud.reply.status, 202);
    assert.ok(gitKeys(cloud.trigger).includes('bitbucket.org/team_name/repo_name'));
    const dc = await send('bb', 'bitbucket', bitbucket.dataCenterPush, {
      'x-event-key': 'repo:refs_changed',
      'x-request-id': 'bb-dc-1',
    });
    assert.equal(dc.reply.status, 202);
    assert.deepEqual(gitKeys(dc.trigger), ['bitbucket.example.com/scm/proj/repository']);
  });

  it('dockerhub: at its secret path', async () => {
    const { reply, trigger } = await send('hub', 'dockerhub', registries.dockerhubPush);
    assert.equal(reply.status, 202);
    assert.equal(image(trigger), 'docker.io/svendowideit/testhook');
  });

  it('quay: repository push at its secret path; build events ignored', async () => {
    const push = await send('quay', 'quay', registries.quayPush);
    assert.equal(push.reply.status, 202);
    assert.equal(image(push.trigger), 'quay.io/dgangaia/test');
    const build = await send('quay', 'quay', registries.quayBuildQueued);
    assert.equal(build.reply.body.result, 'ignored');
    assert.equal(build.trigger, undefined);
  });

  it('harbor: Default and CloudEvents pushes; pulls ignored', async () => {
    const plain = await send('harbor', 'harbor', registries.harborPush);
    assert.equal(plain.reply.status, 202);
    assert.equal(image(plain.trigger), 'localhost/harbor/alpine');
    const cloud = await send('harbor', 'harbor', registries.harborPushCloudEvent);
    assert.equal(image(cloud.trigger), 'localhost/harbor/alpine');
    assert.equal(cloud.trigger?.deliveryId, registries.harborPushCloudEvent.id);
    const pull = await send('harbor', 'harbor', registries.harborPull);
    assert.equal(pull.reply.body.result, 'ignored');
  });

  it('acr: image push with the secret in a custom header', async () => {
    const { reply, trigger } = await send('acr', 'acr', registries.acrPush);
    assert.equal(reply.status, 202);
    assert.equal(image(trigger), 'myregistry.azurecr.io/hello-world');
    assert.equal(trigger?.deliveryId, registries.acrPush.id);
  });

  it('ecr: EventBridge envelope and CloudEvents body', async () => {
    const host = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
    const envelope = await send('ecr', 'ecr', registries.ecrPush);
    assert.equal(envelope.reply.status, 202);
    assert.equal(image(envelope.trigger), `${host}/my-repository-name`);
    const cloudEvent = {
      specversion: '1.0',
      id: 'ce-ecr-1',
      source: 'aws.ecr',
      type: 'aws.ecr.ECR Image Action',
      data: registries.ecrPush,
    };
    const wrapped = await send('ecr', 'ecr', cloudEvent);
    assert.equal(image(wrapped.trigger), `${host}/my-repository-name`);
    assert.equal(wrapped.trigger?.deliveryId, 'ce-ecr-1');
  });

  it('distribution: the published envelope is a pull and is ignored', async () => {
    const { reply, trigger } = await send('dist', 'distribution', registries.distributionPull);
    assert.equal(reply.status, 202);
    assert.equal(reply.body.result, 'ignored');
    assert.equal(trigger, undefined);
  });

  it('generic-hmac: images and Git repositories', async () => {
    const { reply } = await send(
      'generic',
      'generic-hmac',
      {
        images: ['ghcr.io/acme/api', 'nginx'],
        gitRepositories: ['git@github.com:acme/deploy.git'],
      },
      { 'x-tagpilot-delivery': 'generic-1' },
    );
    assert.equal(reply.status, 202);
    const last = h.triggers.slice(-3);
    assert.deepEqual(
      last.map((t) => (t.kind === 'image' ? t.name : gitRepositoryKey(t.urls[0] ?? ''))),
      ['ghcr.io/acme/api', 'docker.io/library/nginx', 'github.com/acme/deploy'],
    );
  });

  it('gcr: a Pub/Sub push with a valid Google OIDC token', async () => {
    const token = await google.sign({
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      email: EMAIL,
      email_verified: true,
    });
    const body = JSON.stringify(registries.pubSubPush(registries.gcrNotification));
    const before = h.triggers.length;
    const reply = await h.post('gcr', body, { authorization: `Bearer ${token}` });
    assert.equal(reply.status, 202);
    assert.equal(image(h.triggers.at(-1)), 'gcr.io/my-project/hello-world');
    assert.equal(h.triggers.length, before + 1);
    assert.equal(h.triggers.at(-1)?.deliveryId, '2070443601311540');
  });

  it('gcr: wrong audience, issuer, e-mail, signing key, expiry or no token: 401', async () => {
    const good = {
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      email: EMAIL,
      email_verified: true,
    };
    const body = JSON.stringify(registries.pubSubPush(registries.gcrNotification, 'gcr-bad'));
    const old = Math.floor(Date.now() / 1000) - 7200;
    const tokens = [
      await google.sign({ ...good, aud: 'https://elsewhere.example' }),
      await google.sign({ ...good, iss: 'https://evil.example' }),
      await google.sign({ ...good, email: 'someone@else.iam.gserviceaccount.com' }),
      await google.sign({ ...good, email_verified: false }),
      await google.sign(good, { otherKey: true }),
      await google.sign(good, { issuedAt: old, expiresIn: 3600 }),
    ];
    for (const [index, token] of tokens.entries()) {
      const reply = await h.post('gcr', body, { authorization: `Bearer ${token}` });
      assert.equal(reply.status, 401, `token ${index}`);
    }
    assert.equal((await h.post('gcr', body)).status, 401);
  });

  it('gcr: a token 30 s past its expiry passes within the 60 s skew', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 90;
    const token = await google.sign(
      { iss: 'https://accounts.google.com', aud: AUDIENCE, email: EMAIL, email_verified: true },
      { issuedAt, expiresIn: 60 },
    );
    const body = JSON.stringify(registries.pubSubPush(registries.gcrNotification, 'gcr-skew'));
    assert.equal((await h.post('gcr', body, { authorization: `Bearer ${token}` })).status, 202);
  });

  it('every signed receiver refuses its example signed with another secret', async () => {
    const cases: [string, WebhookType, unknown, Record<string, string>][] = [
      ['gh', 'github', github.push, { 'x-github-event': 'push' }],
      ['gl', 'gitlab', gitlab.push, { 'x-gitlab-event': 'Push Hook' }],
      ['gitea', 'gitea', gitea.push, { 'x-gitea-event': 'push' }],
      ['bb', 'bitbucket', bitbucket.cloudPush, { 'x-event-key': 'repo:push' }],
      ['harbor', 'harbor', registries.harborPush, {}],
      ['acr', 'acr', registries.acrPush, {}],
      ['ecr', 'ecr', registries.ecrPush, {}],
      ['dist', 'distribution', registries.distributionPull, {}],
      ['generic', 'generic-hmac', { images: ['nginx'] }, {}],
    ];
    for (const [name, type, payload, headers] of cases) {
      const { reply, trigger } = await send(
        name,
        type,
        payload,
        headers,
        'another-secret-entirely',
      );
      assert.equal(reply.status, 401, name);
      assert.equal(trigger, undefined, name);
    }
    // Secret-path senders signed with another secret land on a path that does not exist.
    const { reply } = await send(
      'hub',
      'dockerhub',
      registries.dockerhubPush,
      {},
      'another-secret',
    );
    assert.equal(reply.status, 404);
  });
});
