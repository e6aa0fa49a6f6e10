/**
 * HTTPS credentials for Git hosts. Token conventions (user name sent with a token as password):
 * GitHub App / installation tokens `x-access-token` (docs.github.com, "Authenticating as a GitHub
 * App installation"), GitLab OAuth tokens `oauth2` (gitlab-org/gitlab#349461), Bitbucket
 * repository/project/workspace access tokens `x-token-auth`, Azure DevOps any user name with a
 * PAT. Pure: the token's text is passed in, read by the caller.
 */
import { GitConfigError } from './errors.js';

export interface HttpsCredentials {
  readonly username: string;
  readonly password: string;
}

/** The user name convention for a host, or undefined when the host has none we know. */
export function conventionalUsername(host: string): string | undefined {
  const name = host.toLowerCase();
  if (name === 'github.com' || name.endsWith('.ghe.com')) return 'x-access-token';
  if (name === 'gitlab.com') return 'oauth2';
  if (name === 'bitbucket.org') return 'x-token-auth';
  // Azure DevOps ignores the user name when the password is a PAT.
  if (name === 'dev.azure.com' || name.endsWith('.visualstudio.com')) return 'tagpilot';
  return undefined;
}

/** Chooses the user name (configured one wins) for a token used on `url`. */
export function httpsCredentials(
  url: string,
  token: string,
  username: string | undefined,
): HttpsCredentials {
  const host = new URL(url).hostname;
  const user = username ?? conventionalUsername(host);
  if (user === undefined) {
    throw new GitConfigError(
      `git.username is required for ${host}: tagpilot knows the token user names of github.com, ` +
        'gitlab.com, bitbucket.org and Azure DevOps only (set git.username to "x-access-token" ' +
        'for GitHub Enterprise, "oauth2" for self-hosted GitLab, or your user name)',
    );
  }
  return { username: user, password: token };
}

export function basicAuthorization(credentials: HttpsCredentials): string {
  const pair = `${credentials.username}:${credentials.password}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** A token file's content: the first line, trimmed (Secrets often end with a newline). */
export function parseTokenFile(text: string, path: string): string {
  const token = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (token.length === 0) throw new GitConfigError(`the Git token file ${path} is empty`);
  return token;
}

/** The URL without user-info, query or fragment: safe to log and put in errors. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    // scp-like SSH URLs (git@host:org/repo.git) carry no secret; drop a password if any.
    return url.replace(/^([^@/:]*):[^@/]*@/, '$1@');
  }
}
