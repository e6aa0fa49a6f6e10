/** SSH transport for isomorphic-git: public API (docs/git-ssh-and-signing.md). */
export {
  createSshHttpClient,
  type SshHttpClient,
  type SshHttpResponse,
  type SshTransportDeps,
  type SshTransportOptions,
} from './http-client.js';
export {
  parseGitUrl,
  parseSshUrl,
  pseudoHttpUrl,
  remoteCommand,
  shellQuote,
  PSEUDO_HTTP_BASE,
  type GitService,
  type GitUrl,
  type SshRemote,
} from './url.js';
export {
  checkHostKey,
  fingerprint,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHosts,
} from './known-hosts.js';
export { parsePrivateKey, secretFromFile } from './keys.js';
export {
  GitUrlInvalid,
  SshAuthFailed,
  SshConnectionFailed,
  SshHostKeyMismatch,
  SshHostKeyUnknown,
  SshKeyInvalid,
  SshRemoteCommandFailed,
} from './errors.js';
