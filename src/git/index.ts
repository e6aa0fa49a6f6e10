/** The Git layer's public API (docs/git.md). */
export * from './types.js';
export {
  GitAuthFailed,
  GitConfigError,
  GitError,
  GitLockHeld,
  GitNothingToCommit,
  GitPathInvalid,
  GitProtocolError,
  GitRefNotFound,
  GitRemoteUnavailable,
  type LockHolder,
} from './errors.js';
export {
  openGitStore,
  openGitStoreFromConfig,
  gitdirFor,
  type GitSettings,
  type OpenGitStoreOptions,
  type OpenedGitStore,
} from './open.js';
export { IsoGitStore, type IsoGitStoreOptions } from './store.js';
export { acquireLock, type GitdirLock, type LockOptions } from './lock.js';
export { conventionalUsername, displayUrl } from './auth.js';
