/**
 * Errors of the credential sources and cloud providers. Messages name the file, key, helper,
 * registry or account at fault and what to do; they never carry a secret (tests assert it).
 */
import { TagpilotError } from '../../errors/index.js';

export type CredentialErrorCode =
  /** A Docker config file is not valid JSON or does not have the expected shape. */
  | 'REGISTRY_CREDENTIALS_FILE_INVALID'
  /** The Docker config file could not be read. */
  | 'REGISTRY_CREDENTIALS_FILE_UNREADABLE'
  /** `credHelpers` / `credsStore` names a helper that is not on PATH. */
  | 'REGISTRY_CREDENTIAL_HELPER_MISSING'
  /** The helper ran and failed, timed out or printed something unusable. */
  | 'REGISTRY_CREDENTIAL_HELPER_FAILED'
  /** A cloud provider refused to issue registry credentials (permissions, identity). */
  | 'REGISTRY_PROVIDER_REFUSED'
  /** A cloud provider could not be reached or throttled us; try again later. */
  | 'REGISTRY_PROVIDER_UNAVAILABLE'
  /** A cloud provider answered with something we cannot use. */
  | 'REGISTRY_PROVIDER_INVALID_RESPONSE'
  /** A bulk metadata source (ECR DescribeImages, Docker Hub tags API) failed. */
  | 'REGISTRY_BULK_METADATA_FAILED';

export class CredentialError extends TagpilotError {
  declare readonly code: CredentialErrorCode;

  constructor(
    code: CredentialErrorCode,
    message: string,
    options: { transient?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}
