/**
 * AWS credential endpoints the SDK's default chain reaches when nothing closer is configured:
 *
 * - Container credentials (ECS task roles, EKS Pod Identity; AWS SDKs and Tools reference guide
 *   "Container credential provider"): `GET <AWS_CONTAINER_CREDENTIALS_FULL_URI>` with the
 *   `Authorization` value from `AWS_CONTAINER_AUTHORIZATION_TOKEN`; answers
 *   `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
 * - EC2 instance metadata, IMDSv2 (EC2 user guide "Use IMDSv2"): `PUT /latest/api/token` with
 *   `X-aws-ec2-metadata-token-ttl-seconds` gives a session token that every `GET` must carry as
 *   `X-aws-ec2-metadata-token`; `/latest/meta-data/iam/security-credentials/` lists the role,
 *   `/latest/meta-data/iam/security-credentials/<role>` answers the role's credentials.
 */
import { json, startLoopback, type Loopback } from './loopback.js';

export interface AwsKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

function credentials(keys: AwsKeys, extra: Record<string, string> = {}) {
  return {
    ...extra,
    AccessKeyId: keys.accessKeyId,
    SecretAccessKey: keys.secretAccessKey,
    Token: keys.sessionToken,
    Expiration: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

export async function startContainerCredentialsDouble(
  keys: AwsKeys,
  authorization: string,
): Promise<Loopback> {
  return startLoopback((request) => {
    if (request.method !== 'GET' || request.url !== '/v1/credentials') return { status: 404 };
    if (request.headers.authorization !== authorization)
      return json(403, { message: 'bad authorization token' });
    return json(200, credentials(keys, { RoleArn: 'arn:aws:iam::123456789012:role/tagpilot' }));
  });
}

const ROLE = 'tagpilot-node-role';

export async function startImdsDouble(keys: AwsKeys): Promise<Loopback> {
  const sessions = new Set<string>();
  return startLoopback((request) => {
    if (request.method === 'PUT' && request.url === '/latest/api/token') {
      if (request.headers['x-aws-ec2-metadata-token-ttl-seconds'] === undefined)
        return { status: 400 };
      const token = `imds-session-${sessions.size + 1}`;
      sessions.add(token);
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: token };
    }
    const session = request.headers['x-aws-ec2-metadata-token'];
    if (typeof session !== 'string' || !sessions.has(session)) return { status: 401 };
    if (request.url === '/latest/meta-data/iam/security-credentials/') {
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: ROLE };
    }
    if (request.url === `/latest/meta-data/iam/security-credentials/${ROLE}`) {
      return json(
        200,
        credentials(keys, {
          Code: 'Success',
          Type: 'AWS-HMAC',
          LastUpdated: new Date().toISOString(),
        }),
      );
    }
    return { status: 404 };
  });
}
