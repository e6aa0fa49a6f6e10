/**
 * `tagpilot scan <image> [--policy P]`: the tags of one repository as tagpilot sees them —
 * newest first under the policy, with digests and times when known — and what the scan cost in
 * requests, so a user can check credentials, mirrors and policies against a real registry.
 */
import type { Command } from 'commander';
import { ImageRefError, parseImageRef, type ImageRef } from '../image/index.js';
import {
  accepts,
  compareTags,
  needsBuildTime,
  parsePolicy,
  PolicyError,
  type Candidate,
  type Policy,
} from '../policy/index.js';
import { openRegistry } from '../automation/wiring.js';
import { RegistryError, type RegistryStats } from '../registry/index.js';
import { wiringFor } from './automation-support.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

interface ScanOptions {
  readonly policy?: string;
  readonly output: OutputFormat;
  readonly limit?: string;
}

interface TagRow {
  readonly tag: string;
  readonly digest: string | null;
  readonly created: string | null;
  readonly pushed: string | null;
}

export interface ScanReport {
  readonly image: string;
  readonly policy: string | null;
  readonly total: number;
  readonly matched: number;
  /** Accepted tags whose build time is still unknown (request budget spent). */
  readonly pending: number;
  readonly tags: TagRow[];
  readonly requests: RegistryStats;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined || ms <= 0 ? null : new Date(ms).toISOString();

/** Orders accepted candidates best first under the policy (pure; exported for tests). */
export function orderCandidates(
  policy: Policy | undefined,
  candidates: readonly Candidate[],
): Candidate[] {
  if (policy === undefined) return [...candidates];
  const times = new Map(candidates.map((c) => [c.tag, c.pushed ?? c.created ?? 0]));
  return candidates
    .filter((candidate) => accepts(policy, candidate.tag))
    .sort((a, b) => compareTags(policy, b.tag, a.tag, { times }));
}

export const scanCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('scan')
      .description(
        'List the tags of an image repository (best first under a policy, with digests and times when known) and the requests the scan made.',
      )
      .argument('<image>', 'image repository, e.g. "nginx" or "ghcr.io/org/app"')
      .option('--policy <policy>', 'policy expression, e.g. "semver:~1.4" or "glob:main-*"')
      .option('--limit <n>', 'most tags to print (table output)', '50')
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 listed, 1 the registry failed (auth, not found, rate limited), 2 bad image, policy or configuration.\n\nExample:\n  $ tagpilot scan ghcr.io/fluxcd/flux-cli --policy "semver:>=2.0" -o json',
      )
      .action(async (imageText: string, options: ScanOptions) => {
        let image: ImageRef;
        let policy: Policy | undefined;
        try {
          image = parseImageRef(imageText);
          policy = options.policy === undefined ? undefined : parsePolicy(options.policy);
        } catch (error: unknown) {
          if (error instanceof ImageRefError || error instanceof PolicyError)
            throw new UsageError(error.message);
          throw error;
        }
        const { config } = context.config();
        const client = await openRegistry(wiringFor(context, config));
        try {
          const tags = await client.listTags(image);
          const buildTime = policy !== undefined && needsBuildTime(policy);
          const active = policy;
          const result = await client.metadata(image, tags, {
            accepts: active === undefined ? () => false : (tag) => accepts(active, tag),
            // Build-time policies need times; others get what the cache already knows for free.
            budget: buildTime ? config.registries.metadataBudget : 0,
          });
          const ordered = orderCandidates(policy, result.candidates);
          const report: ScanReport = {
            image: image.original,
            policy: policy?.source ?? null,
            total: tags.length,
            matched: policy === undefined ? tags.length : ordered.length,
            // With a zero budget every accepted tag is "pending"; that only matters by build time.
            pending: buildTime ? result.pending : 0,
            tags: ordered.map((c) => ({
              tag: c.tag,
              digest: c.digest ?? null,
              created: iso(c.created),
              pushed: iso(c.pushed),
            })),
            requests: client.stats(),
          };
          const limit = Math.max(1, Number.parseInt(options.limit ?? '50', 10) || 50);
          printResult(context.io.stdout, options.output, report, report.tags.slice(0, limit), [
            { header: 'tag', value: (row) => row.tag },
            { header: 'digest', value: (row) => row.digest?.slice(0, 19) ?? '-' },
            { header: 'created', value: (row) => row.created ?? '-' },
            { header: 'pushed', value: (row) => row.pushed ?? '-' },
          ]);
          if (options.output === 'table') {
            const hosts = Object.entries(report.requests.byHost)
              .map(([host, count]) => `${host}=${count}`)
              .join(' ');
            context.io.stdout.write(
              `${report.matched} of ${report.total} tags${policy === undefined ? '' : ` match ${policy.source}`}` +
                (report.pending > 0
                  ? `, ${report.pending} without build time yet (budget spent; later scans continue)`
                  : '') +
                `; ${report.requests.requests} requests (${hosts || 'none'}), ${report.requests.cacheHits} cache hits\n`,
            );
          }
          setExit(EXIT.ok);
        } catch (error: unknown) {
          if (!(error instanceof RegistryError)) throw error;
          context.io.stderr.write(`tagpilot: ${error.message}\n`);
          setExit(EXIT.report);
        } finally {
          await client.close();
        }
      });
  },
};
