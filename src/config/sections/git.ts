import { z } from 'zod';
import { duration, secretFile } from './common.js';
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
    /** SSH: a file holding the private key's passphrase, when the key is encrypted. */
    sshKeyPassphraseFile: secretFile.optional(),
    /** Depth of the first clone (1 = shallow, 0 = full history); history deepens on demand. */
    depth: z.number().int().nonnegative().default(1),
    /**
     * Push to this bot branch (base branch head + tagpilot's one commit, force-pushed with a
     * lease) instead of the checked-out branch, for teams that review through pull requests.
     */
    pushBranch: z
      .string()
      .min(1)
      .regex(/^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]+$/, 'expected a branch name')
      .optional(),
    /** How long to wait for another tagpilot process holding the working copy's lock. */
    lockTimeout: duration.default(0),
    /** `log` examines at most this many commits, deepening a shallow clone by `deepenStep`. */
    logScanLimit: z.number().int().positive().default(2000),
    deepenStep: z.number().int().positive().default(50),
    /** Commit signing; off unless configured. */
    signing: gitSigningSchema.optional(),
  })
  .strict();
