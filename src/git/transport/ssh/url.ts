/**
 * Git remote URLs: which transport they name, and for SSH the user, host, port and path, parsed
 * the way git's connect.c does (`ssh://[user@]host[:port]/path`, `git+ssh://`, scp-like
 * `[user@]host:path` with `[host]` brackets; `/~user` in an ssh:// path is home-relative). Pure.
 */
import { GitUrlInvalid } from './errors.js';

export interface SshRemote {
  /** The URL as given, for messages. */
  readonly url: string;
  readonly user: string | undefined;
  readonly host: string;
  /** The port written in the URL; undefined means the configured default (normally 22). */
  readonly port: number | undefined;
  /** The repository path exactly as the remote shell receives it (relative paths are home-relative). */
  readonly path: string;
}

export type GitUrl =
  | { readonly transport: 'http'; readonly url: string }
  | { readonly transport: 'ssh'; readonly remote: SshRemote; readonly httpUrl: string };

const SSH_SCHEMES = new Set(['ssh', 'git+ssh', 'ssh+git']);
// Control characters (including NUL and newlines) have no business in a host, user or path, and
// would reach the remote shell's command line; refuse them rather than trying to quote them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The host isomorphic-git sees for SSH remotes: `.invalid` (RFC 2606) never resolves. */
export const PSEUDO_HTTP_BASE = 'https://ssh.invalid/';

/** Classifies a remote URL; SSH URLs come back parsed with the pseudo URL for isomorphic-git. */
export function parseGitUrl(url: string): GitUrl {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) return { transport: 'http', url: trimmed };
  const remote = parseSshUrl(trimmed);
  return { transport: 'ssh', remote, httpUrl: pseudoHttpUrl(remote) };
}

/** Parses an `ssh://` or scp-like URL; throws GitUrlInvalid for anything else. */
export function parseSshUrl(url: string): SshRemote {
  if (CONTROL.test(url))
    throw new GitUrlInvalid(`git URL contains control characters: ${JSON.stringify(url)}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  const remote = scheme ? parseUrlForm(url, (scheme[1] ?? '').toLowerCase()) : parseScpForm(url);
  if (remote.host.startsWith('-')) throw new GitUrlInvalid(`strange host name in git URL ${url}`);
  if (remote.user?.startsWith('-') === true)
    throw new GitUrlInvalid(`strange user name in git URL ${url}`);
  if (remote.path.startsWith('-')) throw new GitUrlInvalid(`strange path in git URL ${url}`);
  if (remote.path === '') throw new GitUrlInvalid(`git URL ${url} has no repository path`);
  return remote;
}

function parseUrlForm(url: string, scheme: string): SshRemote {
  if (!SSH_SCHEMES.has(scheme)) {
    throw new GitUrlInvalid(
      `unsupported git URL scheme "${scheme}" in ${url}: use https://, ssh:// or user@host:path`,
    );
  }
  const rest = url.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  if (slash < 0) throw new GitUrlInvalid(`git URL ${url} has no repository path`);
  const authority = rest.slice(0, slash);
  let path = rest.slice(slash);
  // git: "ssh://host/~user/repo" names a home-relative path, so the leading slash goes.
  if (path.startsWith('/~')) path = path.slice(1);
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at) : undefined;
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const { host, port } = splitHostPort(hostPort, url);
  return { url, user: emptyToUndefined(user, url), host, port, path };
}

function splitHostPort(hostPort: string, url: string): { host: string; port: number | undefined } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) throw new GitUrlInvalid(`unbalanced [ in git URL ${url}`);
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':'))
      throw new GitUrlInvalid(`bad host in git URL ${url}`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    portText = colon >= 0 ? hostPort.slice(colon + 1) : undefined;
  }
  if (host === '') throw new GitUrlInvalid(`git URL ${url} has no host`);
  if (portText === undefined || portText === '') return { host, port: undefined };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw new GitUrlInvalid(`bad port "${portText}" in git URL ${url}`);
  return { host, port };
}

function parseScpForm(url: string): SshRemote {
  // git treats "a:b" as scp-like only when the colon comes before any slash; otherwise it is a
  // local path, which tagpilot does not serve.
  let userHost: string;
  let path: string;
  const bracket = /^((?:[^@/[\]:]*@)?)\[([^\]]+)\]:(.*)$/.exec(url);
  if (bracket) {
    userHost = `${bracket[1] ?? ''}${bracket[2] ?? ''}`;
    path = bracket[3] ?? '';
  } else {
    const colon = url.indexOf(':');
    const slash = url.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon)) {
      throw new GitUrlInvalid(
        `not a remote git URL: ${url} (use https://host/path, ssh://[user@]host[:port]/path or [user@]host:path)`,
      );
    }
    userHost = url.slice(0, colon);
    path = url.slice(colon + 1);
  }
  const at = userHost.lastIndexOf('@');
  const user = at >= 0 ? userHost.slice(0, at) : undefined;
  const host = at >= 0 ? userHost.slice(at + 1) : userHost;
  if (host === '') throw new GitUrlInvalid(`git URL ${url} has no host`);
  return { url, user: emptyToUndefined(user, url), host, port: undefined, path };
}

function emptyToUndefined(user: string | undefined, url: string): string | undefined {
  if (user === '') throw new GitUrlInvalid(`empty user name in git URL ${url}`);
  return user;
}

/**
 * The https URL handed to isomorphic-git for an SSH remote. It carries the canonical SSH address
 * (so two remotes never share one) under a host that can never resolve, so it cannot leak to a
 * real HTTP client by mistake.
 */
export function pseudoHttpUrl(remote: SshRemote): string {
  const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
  const user = remote.user === undefined ? '' : `${remote.user}@`;
  const port = remote.port === undefined ? '' : `:${remote.port}`;
  return `${PSEUDO_HTTP_BASE}${encodeURIComponent(`ssh://${user}${host}${port}/${remote.path}`)}`;
}

/**
 * Quotes one argument for the remote POSIX shell the way git's `sq_quote_buf` does: inside single
 * quotes nothing is special, a `'` becomes `'\''` and `!` becomes `'\!'` (for csh-like shells).
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''").replace(/!/g, "'\\!'")}'`;
}

/** The command line for `service` on `path`, e.g. `git-upload-pack 'org/repo.git'`. */
export function remoteCommand(service: GitService, path: string): string {
  return `${service} ${shellQuote(path)}`;
}

export type GitService = 'git-upload-pack' | 'git-receive-pack';
