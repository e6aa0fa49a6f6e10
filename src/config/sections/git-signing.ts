import { z } from 'zod';

/** Commit signing (OpenPGP or SSH signatures); mounted at `git.signing`. */
export const gitSigningSchema = z.object({}).strict();
