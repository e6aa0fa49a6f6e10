/**
 * AWS SDK failures turned into CredentialErrors that say what to fix. Error names from the ECR
 * API reference "Common Errors" and the SDK's CredentialsProviderError.
 */
import type { SecretRedactor } from '../../telemetry/index.js';
import { CredentialError } from '../credentials/errors.js';

const TRANSIENT = new Set([
  'ThrottlingException',
  'ServerException',
  'ServiceUnavailableException',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

function nameOf(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return code !== undefined && NETWORK.has(code) ? code : error.name;
  }
  return 'UnknownError';
}

/** What the API said, redacted and short (AWS messages name the principal, never a secret). */
function detail(error: unknown, redactor: SecretRedactor): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
  const short = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return short === '' ? '' : `: ${redactor.redact(short)}`;
}

/**
 * `action` is the IAM action (`ecr:GetAuthorizationToken`), `what` the words for the failing
 * step ("ECR token", "ECR DescribeImages for team/app").
 */
export function ecrError(
  error: unknown,
  context: { what: string; account: string; region: string; action: string },
  redactor: SecretRedactor,
  bulk: boolean,
): CredentialError {
  const name = nameOf(error);
  const where = `account ${context.account} (${context.region})`;
  const why = detail(error, redactor);
  if (name === 'CredentialsProviderError') {
    return new CredentialError(
      'REGISTRY_PROVIDER_REFUSED',
      `${context.what} for ${where}: no AWS credentials found (tried env, profile, web identity/IRSA, container/pod identity, instance metadata)${why}`,
      { cause: error },
    );
  }
  if (TRANSIENT.has(name) || NETWORK.has(name)) {
    return new CredentialError(
      bulk ? 'REGISTRY_BULK_METADATA_FAILED' : 'REGISTRY_PROVIDER_UNAVAILABLE',
      `${context.what} for ${where} failed (${name}); will retry${why}`,
      { transient: true, cause: error },
    );
  }
  if (name === 'RepositoryNotFoundException') {
    return new CredentialError(
      'REGISTRY_BULK_METADATA_FAILED',
      `${context.what} for ${where}: repository not found${why}`,
      { cause: error },
    );
  }
  const denied = /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name);
  const advice = denied
    ? `the role lacks ${context.action}`
    : /Signature|UnrecognizedClient|ExpiredToken|InvalidClientTokenId/.test(name)
      ? 'the AWS credentials were rejected (expired, wrong account, or clock skew)'
      : 'ECR refused the request';
  return new CredentialError(
    bulk ? 'REGISTRY_BULK_METADATA_FAILED' : 'REGISTRY_PROVIDER_REFUSED',
    `${context.what} refused for ${where}: ${advice} (${name})${why}`,
    { cause: error },
  );
}
