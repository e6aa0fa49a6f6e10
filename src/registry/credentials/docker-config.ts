/**
 * Docker `config.json` and `kubernetes.io/dockerconfigjson` Secret payloads (same JSON shape:
 * docker/cli `configfile.ConfigFile`, Kubernetes `corev1.DockerConfigJSON`). Pure: parsing and
 * lookup only; running helpers and reading files happen in `docker-config-provider.ts`.
 */
import { z } from 'zod';
import type { RegistryCredentials } from '../types.js';
import { CredentialError } from './errors.js';
import { registryHostOf } from './hosts.js';

const authEntrySchema = z.looseObject({
  /** base64(`username:password`), what `docker login` writes. */
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** OAuth2 refresh token for the registry's token realm (docker/cli `types.AuthConfig`). */
  identitytoken: z.string().optional(),
  /** A ready bearer token for the registry. */
  registrytoken: z.string().optional(),
});

const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credHelpers: z.record(z.string(), z.string().min(1)).optional(),
  credsStore: z.string().optional(),
});

type AuthEntry = z.infer<typeof authEntrySchema>;

/** What the config says about one host. */
export type ConfigAnswer =
  | { readonly kind: 'helper'; readonly helper: string; readonly fallback?: RegistryCredentials }
  | {
      readonly kind: 'store';
      readonly helper: string;
      readonly fallback?: RegistryCredentials;
      /** The host has an `auths` key (often `{}`: `docker login` put the secret in the store). */
      readonly listed: boolean;
    }
  | { readonly kind: 'credentials'; readonly credentials: RegistryCredentials }
  | { readonly kind: 'none' };

export interface DockerConfig {
  /** Every secret in the file, so the caller can register them before anything is logged. */
  readonly secrets: readonly string[];
  lookup(host: string): ConfigAnswer;
}

/** Parses and validates a config file's text; errors name `file` and the offending key. */
export function parseDockerConfig(text: string, file: string): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    // The SyntaxError message quotes the text near the error, which may be a secret: say only
    // where the problem is.
    const at = error instanceof SyntaxError ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new CredentialError(
      'REGISTRY_CREDENTIALS_FILE_INVALID',
      `${file}: not valid JSON${at === undefined ? '' : ` (at ${at})`}; expected a Docker config.json or a kubernetes.io/dockerconfigjson payload`,
    );
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue === undefined ? '(root)' : formatPath(issue.path);
    throw new CredentialError(
      'REGISTRY_CREDENTIALS_FILE_INVALID',
      `${file}: ${key}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const byHost = new Map<string, RegistryCredentials>();
  const listed = new Set<string>();
  const secrets: string[] = [];
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    listed.add(registryHostOf(key));
    const credentials = entryCredentials(entry, file, key);
    if (credentials === undefined) continue;
    secrets.push(...secretsOf(credentials));
    if (entry.auth !== undefined) secrets.push(entry.auth);
    const host = registryHostOf(key);
    if (!byHost.has(host)) byHost.set(host, credentials);
  }
  const helpers = new Map<string, string>();
  for (const [key, helper] of Object.entries(parsed.data.credHelpers ?? {})) {
    helpers.set(registryHostOf(key), helper);
  }
  const store = parsed.data.credsStore === '' ? undefined : parsed.data.credsStore;

  return {
    secrets,
    lookup(host: string): ConfigAnswer {
      const wanted = registryHostOf(host);
      const inFile = byHost.get(wanted);
      // Precedence as in docker/cli `GetCredentialsStore`: a per-host helper, then the default
      // store, then the file's own entries (which the store's answer falls back to).
      const helper = helpers.get(wanted);
      if (helper !== undefined) {
        return inFile === undefined
          ? { kind: 'helper', helper }
          : { kind: 'helper', helper, fallback: inFile };
      }
      if (store !== undefined) {
        const known = listed.has(wanted);
        return inFile === undefined
          ? { kind: 'store', helper: store, listed: known }
          : { kind: 'store', helper: store, fallback: inFile, listed: known };
      }
      return inFile === undefined ? { kind: 'none' } : { kind: 'credentials', credentials: inFile };
    },
  };
}

function entryCredentials(
  entry: AuthEntry,
  file: string,
  key: string,
): RegistryCredentials | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = decodeAuth(entry.auth);
    if (decoded === undefined) {
      throw new CredentialError(
        'REGISTRY_CREDENTIALS_FILE_INVALID',
        `${file}: auths[${JSON.stringify(key)}].auth: expected base64 of "username:password"`,
      );
    }
    [username, password] = decoded;
  }
  if (entry.identitytoken !== undefined && entry.identitytoken !== '') {
    return { kind: 'identity-token', username: username ?? '', token: entry.identitytoken };
  }
  if (entry.registrytoken !== undefined && entry.registrytoken !== '') {
    return { kind: 'bearer', token: entry.registrytoken };
  }
  if (username !== undefined && username !== '' && password !== undefined) {
    return { kind: 'basic', username, password };
  }
  // `{}` entries are normal: `docker login` with a credsStore leaves just the key behind.
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeAuth(auth: string): [string, string] | undefined {
  const compact = auth.trim();
  if (!BASE64.test(compact)) return undefined;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return [text.slice(0, colon), text.slice(colon + 1)];
}

export function secretsOf(credentials: RegistryCredentials): string[] {
  switch (credentials.kind) {
    case 'basic':
      return [
        credentials.password,
        Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'),
      ];
    case 'identity-token':
    case 'bearer':
      return [credentials.token];
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, index) =>
      typeof part === 'number'
        ? `[${part}]`
        : index === 0
          ? String(part)
          : `[${JSON.stringify(String(part))}]`,
    )
    .join('');
}
