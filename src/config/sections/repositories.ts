import { z } from 'zod';

/** One Git repository that tagpilot automates. A list from the start, even with one entry. */
export const repositorySchema = z
  .object({
    /** `https://...`, `ssh://...`, `git@host:org/repo.git`, or a local path. */
    url: z.string().min(1),
    branch: z.string().min(1).default('main'),
    /** Directories (relative to the repository root) holding manifests; default: all of it. */
    paths: z.array(z.string().min(1)).default(['.']),
    /** Namespace for manifests that name none. */
    defaultNamespace: z.string().min(1).default('default'),
    /**
     * Push tagpilot's commits to this branch instead of `branch` (for review through pull
     * requests): it is always `branch`'s head plus tagpilot's one commit.
     */
    pushBranch: z.string().min(1).optional(),
    /**
     * Namespaces this repository's manifests may deploy to: only there are live workloads'
     * imagePullSecrets used for its scans (`cluster.credentials.fromImagePullSecrets`). None when unset.
     */
    namespaces: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const repositoriesSchema = z.array(repositorySchema).default([]);
