/** Commit signing: public API (docs/git-ssh-and-signing.md). */
export {
  createSigner,
  createSshSigner,
  GIT_SSHSIG_NAMESPACE,
  type SigningDeps,
  type SigningSettings,
} from './signer.js';
export { loadOpenPgpKey, signOpenPgp, type OpenPgpSigningKey } from './openpgp.js';
export {
  armorSshsig,
  signSshsig,
  sshsigBlob,
  sshsigSignedData,
  toSigningKey,
  type SshSigningKey,
} from './sshsig.js';
export { SigningFailed, SigningKeyInvalid } from './errors.js';
