import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryProvidersSchema } from '../../../src/config/sections/registry-providers.js';
import { parseImageRef } from '../../../src/image/index.js';
import { CredentialError } from '../../../src/registry/credentials/index.js';
import {
  createEcrBulkSource,
  createEcrCredentials,
  defaultEcrClientFactory,
  parseEcrHost,
} from '../../../src/registry/providers/index.js';
import { captureLogger } from '../../support/registry-providers/capture.js';
import {
  startEcrDouble,
  type EcrDouble,
  type EcrImage,
} from '../../support/registry-providers/ecr-double.js';
import {
  startContainerCredentialsDouble,
  startImdsDouble,
} from '../../support/registry-providers/aws-metadata-doubles.js';
import { withCloudEnv } from '../../support/registry-providers/env.js';
import { startStsDouble } from '../../support/registry-providers/sts-double.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PASSWORD = 'ecr-password-0123456789abcdef';
const ENV_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIAENVTESTKEY',
  AWS_SECRET_ACCESS_KEY: 'env-secret-key-value',
};

describe('parseEcrHost', () => {
  const table: [string, ReturnType<typeof parseEcrHost>][] = [
    [HOST, { account: '123456789012', region: 'eu-west-1', fips: false }],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      { account: '123456789012', region: 'us-gov-west-1', fips: true },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      { account: '123456789012', region: 'cn-north-1', fips: false },
    ],
    [
      '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
      { account: '123456789012', region: 'us-isob-east-1', fips: false },
    ],
    [
      '123456789012.DKR.ECR.eu-west-1.AMAZONAWS.COM',
      { account: '123456789012', region: 'eu-west-1', fips: false },
    ],
    ['12345678901.dkr.ecr.eu-west-1.amazonaws.com', undefined],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example', undefined],
    ['public.ecr.aws', undefined],
    ['docker.io', undefined],
  ];
  for (const [host, expected] of table) {
    it(`${host} → ${expected === undefined ? 'not ECR' : expected.region}`, () => {
      assert.deepEqual(parseEcrHost(host), expected);
    });
  }
});

describe('ECR through @aws-sdk/client-ecr against the JSON 1.1 double', () => {
  let ecr: EcrDouble;
  let dir: string;
  const images: EcrImage[] = [];
  for (let i = 0; i < 2500; i += 1) {
    images.push({
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      tags: i === 7 ? [] : [`1.0.${i}`, ...(i === 2499 ? ['latest'] : [])],
      pushedAt: 1_700_000_000 + i,
    });
  }

  before(async () => {
    ecr = await startEcrDouble({ password: PASSWORD, repositories: { 'team/app': images } });
    dir = await mkdtemp(path.join(tmpdir(), 'tagpilot-ecr-'));
  });
  after(async () => {
    await ecr.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh provider each time: the SDK chain is what the test varies. */
  function setup(now: () => number = Date.now) {
    const captured = captureLogger();
    const settings = registryProvidersSchema.parse({
      ecr: { endpoint: ecr.url, maxAttempts: 1 },
    }).ecr;
    const deps = { clientFor: defaultEcrClientFactory(settings), redactor: captured.redactor, now };
    return { captured, settings, deps, provider: createEcrCredentials(settings, deps) };
  }

  /** No real AWS anywhere: no IMDS, no profile files of the machine. */
  function isolated(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none-credentials'),
      AWS_CONFIG_FILE: path.join(dir, 'none-config'),
      ...extra,
    };
  }

  it('gets AWS:<password> with env credentials, signs with SigV4 and caches the token', async () => {
    const before = ecr.requests.length;
    await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { provider } = setup();
      const first = await provider.credentialsFor(HOST);
      const second = await provider.credentialsFor(HOST);
      assert.deepEqual(first, { kind: 'basic', username: 'AWS', password: PASSWORD });
      assert.deepEqual(second, first);
    });
    const mine = ecr.requests.slice(before);
    assert.equal(mine.length, 1, 'one GetAuthorizationToken for two lookups');
    assert.equal(
      mine[0]!.headers['x-amz-target'],
      'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    );
    assert.match(
      mine[0]!.headers.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIAENVTESTKEY\/\d{8}\/eu-west-1\/ecr\/aws4_request/,
    );
  });

  it('renews the token 30 minutes before its 12-hour expiry, not earlier', async () => {
    let clock = 1_800_000_000_000;
    ecr.options.expiresAt = clock / 1000 + 12 * 3600;
    const before = ecr.requests.length;
    await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { provider } = setup(() => clock);
      await provider.credentialsFor(HOST);
      clock += 11 * 3_600_000; // 11 h: still an hour left
      await provider.credentialsFor(HOST);
      assert.equal(ecr.requests.length - before, 1);
      clock += 31 * 60_000; // 29 min left: renew
      await provider.credentialsFor(HOST);
      assert.equal(ecr.requests.length - before, 2);
    });
    delete ecr.options.expiresAt;
  });

  it('shares one call between concurrent lookups', async () => {
    const before = ecr.requests.length;
    await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { provider } = setup();
      const all = await Promise.all([1, 2, 3, 4].map(() => provider.credentialsFor(HOST)));
      assert.equal(new Set(all.map((c) => JSON.stringify(c))).size, 1);
    });
    assert.equal(ecr.requests.length - before, 1);
  });

  it('answers nothing for hosts that are not ECR, without calling AWS', async () => {
    const before = ecr.requests.length;
    const { provider } = setup();
    assert.equal(provider.handles('docker.io'), false);
    assert.equal(await provider.credentialsFor('ghcr.io'), undefined);
    assert.equal(ecr.requests.length, before);
  });

  it('uses a named profile from the shared credentials file', async () => {
    const file = path.join(dir, 'credentials');
    await writeFile(
      file,
      '[tagpilot]\naws_access_key_id = AKIAPROFILEKEY\naws_secret_access_key = profile-secret-value\n',
    );
    await withCloudEnv(
      isolated({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_PROFILE: 'tagpilot' }),
      async () => {
        const { provider } = setup();
        assert.equal((await provider.credentialsFor(HOST))?.kind, 'basic');
      },
    );
    assert.equal(ecr.signers().at(-1), 'AKIAPROFILEKEY');
  });

  it('assumes a role with a web identity token file (EKS IRSA) through STS', async () => {
    const tokenFile = path.join(dir, 'web-identity-token');
    await writeFile(tokenFile, 'eyJ.projected-service-account-token.sig');
    const sts = await startStsDouble({
      expectedToken: 'eyJ.projected-service-account-token.sig',
      accessKeyId: 'ASIASTSISSUEDKEY',
      secretAccessKey: 'sts-secret-value',
      sessionToken: 'sts-session-token-value',
    });
    try {
      await withCloudEnv(
        isolated({
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
          AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/tagpilot',
          AWS_ENDPOINT_URL_STS: sts.url,
        }),
        async () => {
          const { provider } = setup();
          assert.equal((await provider.credentialsFor(HOST))?.kind, 'basic');
        },
      );
      assert.equal(sts.requests.length, 1);
      assert.equal(
        new URLSearchParams(sts.requests[0]?.body).get('RoleArn'),
        'arn:aws:iam::123456789012:role/tagpilot',
      );
      assert.equal(ecr.signers().at(-1), 'ASIASTSISSUEDKEY');
      assert.equal(ecr.requests.at(-1)?.headers['x-amz-security-token'], 'sts-session-token-value');
    } finally {
      await sts.close();
    }
  });

  it('takes container credentials (ECS task role, EKS Pod Identity) from the container endpoint', async () => {
    const keys = {
      accessKeyId: 'ASIACONTAINERKEY',
      secretAccessKey: 'container-secret',
      sessionToken: 'container-session',
    };
    const endpoint = await startContainerCredentialsDouble(keys, 'pod-identity-token');
    try {
      await withCloudEnv(
        isolated({
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/v1/credentials`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: 'pod-identity-token',
        }),
        async () => {
          const { provider } = setup();
          assert.equal((await provider.credentialsFor(HOST))?.kind, 'basic');
        },
      );
      assert.ok(endpoint.requests.length >= 1);
      assert.equal(ecr.signers().at(-1), 'ASIACONTAINERKEY');
      assert.equal(ecr.requests.at(-1)?.headers['x-amz-security-token'], 'container-session');
    } finally {
      await endpoint.close();
    }
  });

  it('falls back to the EC2 instance role through IMDSv2 when nothing else is configured', async () => {
    const keys = {
      accessKeyId: 'ASIAINSTANCEKEY',
      secretAccessKey: 'instance-secret',
      sessionToken: 'instance-session',
    };
    const imds = await startImdsDouble(keys);
    try {
      const env = isolated({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url });
      delete env.AWS_EC2_METADATA_DISABLED;
      await withCloudEnv(env, async () => {
        const { provider } = setup();
        assert.equal((await provider.credentialsFor(HOST))?.kind, 'basic');
      });
      assert.equal(imds.requests[0]?.method, 'PUT', 'IMDSv2 session first');
      assert.ok(
        imds.requests
          .slice(1)
          .every((r) => typeof r.headers['x-aws-ec2-metadata-token'] === 'string'),
      );
      assert.equal(ecr.signers().at(-1), 'ASIAINSTANCEKEY');
    } finally {
      await imds.close();
    }
  });

  it('says which permission is missing when ECR refuses, without the password', async () => {
    ecr.options.authError = 'AccessDeniedException';
    try {
      await withCloudEnv(isolated(ENV_KEYS), async () => {
        const { provider } = setup();
        await assert.rejects(provider.credentialsFor(HOST), (error: unknown) => {
          assert.ok(error instanceof CredentialError);
          assert.equal(error.code, 'REGISTRY_PROVIDER_REFUSED');
          assert.equal(error.transient, false);
          assert.match(
            error.message,
            /ECR token refused for account 1234…9012 \(eu-west-1\): the role lacks ecr:GetAuthorizationToken/,
          );
          assert.ok(!error.message.includes('env-secret-key-value'));
          return true;
        });
      });
    } finally {
      delete ecr.options.authError;
    }
  });

  it('explains that no AWS credentials were found when the chain is empty', async () => {
    const before = ecr.requests.length;
    await withCloudEnv(isolated(), async () => {
      const { provider } = setup();
      await assert.rejects(provider.credentialsFor(HOST), /no AWS credentials found/);
    });
    assert.equal(ecr.requests.length, before, 'nothing unsigned reaches ECR');
  });

  it('never logs the registry password', async () => {
    await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { provider, captured } = setup();
      const credentials = await provider.credentialsFor(HOST);
      captured.logger.info(
        {
          registry: HOST,
          credentials,
          header: `Basic ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}`,
        },
        'got credentials',
      );
      captured.logger.info(`raw ${PASSWORD}`);
      assert.ok(captured.lines.length === 2);
      assert.ok(!captured.text().includes(PASSWORD));
      assert.ok(!captured.text().includes(Buffer.from(`AWS:${PASSWORD}`).toString('base64')));
    });
  });

  it('reads push times and digests for every tag with DescribeImages in pages of 1000', async () => {
    const before = ecr.requests.length;
    const result = await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { settings, deps } = setup();
      return createEcrBulkSource(settings, deps).metadata(parseImageRef(`${HOST}/team/app:1.0.0`));
    });
    const mine = ecr.requests.slice(before);
    assert.equal(mine.length, 3, '2,500 images → 3 pages');
    for (const request of mine) {
      assert.equal(
        request.headers['x-amz-target'],
        'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
      );
      const body = JSON.parse(request.body) as {
        maxResults: number;
        registryId: string;
        filter: unknown;
      };
      assert.equal(body.maxResults, 1000);
      assert.equal(body.registryId, '123456789012');
      assert.deepEqual(body.filter, { tagStatus: 'TAGGED' });
    }
    assert.equal(result.size, 2499 + 1, 'every tag of the 2,499 tagged images, plus latest');
    assert.deepEqual(result.get('1.0.42'), {
      digest: `sha256:${(42).toString(16).padStart(64, '0')}`,
      pushed: (1_700_000_000 + 42) * 1000,
    });
    assert.deepEqual(result.get('latest'), result.get('1.0.2499'));
  });

  it('reports an unknown repository as a permanent bulk failure', async () => {
    await withCloudEnv(isolated(ENV_KEYS), async () => {
      const { settings, deps } = setup();
      await assert.rejects(
        createEcrBulkSource(settings, deps).metadata(parseImageRef(`${HOST}/team/none:1`)),
        (error: unknown) =>
          error instanceof CredentialError &&
          error.code === 'REGISTRY_BULK_METADATA_FAILED' &&
          !error.transient &&
          /repository not found/.test(error.message),
      );
    });
  });
});
