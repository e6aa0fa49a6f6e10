import { z } from 'zod';
import { secretFile } from './common.js';

/**
 * Commit signing (OpenPGP or SSH signatures); mounted at `git.signing`. The key file holds an
 * armored OpenPGP secret key (`gpg --export-secret-keys --armor`) or an OpenSSH private key
 * (ed25519, ECDSA, RSA), matching `format`; an encrypted key needs `passphraseFile`.
 */
export const gitSigningSchema = z
  .object({
    format: z.enum(['openpgp', 'ssh']),
    keyFile: secretFile,
    passphraseFile: secretFile.optional(),
  })
  .strict();

export type GitSigningConfig = z.infer<typeof gitSigningSchema>;
