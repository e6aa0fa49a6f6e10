/**
 * Amazon ECR API double, following the AWS JSON 1.1 protocol as the Amazon ECR API Reference
 * describes it: `POST /`, `Content-Type: application/x-amz-json-1.1`,
 * `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`, SigV4 `Authorization`,
 * errors as `{"__type": "<Exception>", "message": ...}` with HTTP 400.
 *
 * Operations: `GetAuthorizationToken` (authorizationData[0] = base64 `AWS:<password>`,
 * `expiresAt` as epoch seconds, `proxyEndpoint`) and `DescribeImages` (`maxResults` 1..1000 —
 * above 1000 is an InvalidParameterException as the API reference states — default 100,
 * `nextToken` paging, `filter.tagStatus`). The double signs nothing and verifies no signature;
 * it checks the SigV4 header is present and records which access key id signed.
 */
import {
  json,
  startLoopback,
  type Loopback,
  type RecordedRequest,
  type Reply,
} from './loopback.js';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

export interface EcrImage {
  readonly digest: string;
  readonly tags: readonly string[];
  /** Epoch seconds. */
  readonly pushedAt: number;
}

export interface EcrDoubleOptions {
  readonly password: string;
  /** Epoch seconds; default an hour from now. */
  expiresAt?: number;
  /** Answer GetAuthorizationToken with this error type instead (e.g. AccessDeniedException). */
  authError?: string;
  readonly repositories: Readonly<Record<string, readonly EcrImage[]>>;
}

export interface EcrDouble extends Loopback {
  readonly options: EcrDoubleOptions;
  /** Operation names in the order received. */
  operations(): string[];
  /** The access key id in each request's SigV4 Credential scope. */
  signers(): string[];
}

function fail(type: string, message: string): Reply {
  return json(400, { __type: type, message }, { 'content-type': 'application/x-amz-json-1.1' });
}

function ok(body: unknown): Reply {
  return json(200, body, { 'content-type': 'application/x-amz-json-1.1' });
}

export async function startEcrDouble(options: EcrDoubleOptions): Promise<EcrDouble> {
  const handler = (request: RecordedRequest): Reply => {
    if (request.method !== 'POST' || request.url !== '/') return { status: 404 };
    if (request.headers['content-type'] !== 'application/x-amz-json-1.1') {
      return fail('SerializationException', 'expected application/x-amz-json-1.1');
    }
    const auth = request.headers.authorization ?? '';
    if (
      !auth.startsWith('AWS4-HMAC-SHA256 Credential=') ||
      request.headers['x-amz-date'] === undefined
    ) {
      return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX)) return fail('UnknownOperationException', target);
    const input = JSON.parse(request.body === '' ? '{}' : request.body) as Record<string, unknown>;
    switch (target.slice(TARGET_PREFIX.length)) {
      case 'GetAuthorizationToken': {
        if (options.authError !== undefined) {
          return fail(
            options.authError,
            `User: arn:aws:sts::123456789012:assumed-role/tagpilot/test is not authorized to perform: ecr:GetAuthorizationToken`,
          );
        }
        return ok({
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${options.password}`).toString('base64'),
              expiresAt: options.expiresAt ?? Date.now() / 1000 + 3600,
              proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
            },
          ],
        });
      }
      case 'DescribeImages':
        return describeImages(input, options);
      default:
        return fail('UnknownOperationException', target);
    }
  };
  const server = await startLoopback(handler);
  return {
    ...server,
    options,
    operations: () =>
      server.requests.map((r) =>
        String(r.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length),
      ),
    signers: () =>
      server.requests.map(
        (r) => /Credential=([^/]+)\//.exec(r.headers.authorization ?? '')?.[1] ?? '',
      ),
  };
}

function describeImages(input: Record<string, unknown>, options: EcrDoubleOptions): Reply {
  const repository = input.repositoryName;
  if (typeof repository !== 'string')
    return fail('InvalidParameterException', 'repositoryName is required');
  const images = options.repositories[repository];
  if (images === undefined) {
    return fail(
      'RepositoryNotFoundException',
      `The repository with name '${repository}' does not exist`,
    );
  }
  const max = input.maxResults ?? 100;
  if (typeof max !== 'number' || max < 1 || max > 1000) {
    return fail('InvalidParameterException', "'maxResults' must be less than or equal to 1000");
  }
  const filter = input.filter as { tagStatus?: string } | undefined;
  const wanted = filter?.tagStatus === 'TAGGED' ? images.filter((i) => i.tags.length > 0) : images;
  // The token is opaque to clients; here it is an offset, base64'd so nobody parses it.
  const start =
    typeof input.nextToken === 'string'
      ? Number(Buffer.from(input.nextToken, 'base64').toString())
      : 0;
  const page = wanted.slice(start, start + max);
  const next =
    start + max < wanted.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
  return ok({
    imageDetails: page.map((image) => ({
      registryId: '123456789012',
      repositoryName: repository,
      imageDigest: image.digest,
      imageTags: image.tags,
      imagePushedAt: image.pushedAt,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    })),
    ...(next === undefined ? {} : { nextToken: next }),
  });
}
