import { z } from 'zod';
import { secretFile } from './common.js';
import { gitSigningSchema } from './git-signing.js';

export const gitSchema = z
  .object({
    author: z
      .object({
        name: z.string().min(1).default('tagpilot'),
        email: z.string().min(1).default('tagpilot@localhost'),
      })
      .strict()
      .default({ name: 'tagpilot', email: 'tagpilot@localhost' }),
    /** HTTPS: a file holding a token or password. */
    tokenFile: secretFile.optional(),
    /** HTTPS: the user name that goes with the token (defaults by host convention). */
    username: z.string().min(1).optional(),
    /** SSH: private key file (OpenSSH format) and its known_hosts file. */
    sshKeyFile: secretFile.optional(),
    sshKnownHostsFile: z.string().min(1).optional(),
    /** Commit signing; off unless configured. */
    signing: gitSigningSchema.optional(),
  })
  .strict();
