/**
 * `tagpilot status --server URL`: the controller's read-only status API (docs/controller.md) as a
 * table of repositories, or the whole document with `-o json|yaml`. The answer is validated
 * against the status schema, so a mismatched controller version says so instead of printing
 * nonsense.
 */
import type { Command } from 'commander';
import {
  statusReportSchema,
  type RepositoryStatus,
  type StatusReport,
} from '../server/status-schema.js';
import type { CommandModule } from './commands.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';
import {
  DEFAULT_SERVER,
  errorMessage,
  readSecretFile,
  request,
  serverUrl,
  ServerRequestError,
} from './server-client.js';

interface StatusOptions {
  readonly server: string;
  readonly tokenFile?: string;
  readonly output: OutputFormat;
}

const ago = (iso: string | null, now: number): string => {
  if (iso === null) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
};

export async function fetchStatus(server: URL, token: string | undefined): Promise<StatusReport> {
  const url = new URL('api/v1/status', server.href.endsWith('/') ? server : `${server.href}/`);
  const response = await request(url, {
    method: 'GET',
    headers: {
      accept: 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  });
  if (response.status === 401)
    throw new ServerRequestError(`${url.origin} wants a status token: pass --token-file`);
  if (response.status !== 200)
    throw new ServerRequestError(`${url.href}: HTTP ${response.status}: ${errorMessage(response)}`);
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new ServerRequestError(`${url.href} did not answer JSON; is it tagpilot's health port?`);
  }
  const parsed = statusReportSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServerRequestError(
      `${url.href} answered a status this tagpilot cannot read (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}); is the controller the same version?`,
    );
  }
  return parsed.data;
}

function lastCycle(repository: RepositoryStatus, now: number): string {
  const cycle = repository.cycles[0];
  return cycle === undefined
    ? '-'
    : `${cycle.result} (${cycle.trigger}) ${ago(cycle.startedAt, now)}`;
}

export const statusCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('status')
      .description(
        "Show a running controller's repositories: last cycle, pending triggers, workloads and problems.",
      )
      .option('--server <url>', "the controller's health/status port", DEFAULT_SERVER)
      .option('--token-file <file>', 'file holding the status token (server.statusTokenFile)')
      .addOption(outputOption('table'))
      .addHelpText(
        'after',
        '\nExit codes: 0 shown, 1 the controller did not answer or answered an error, 2 bad option.\n\nExamples:\n  $ tagpilot status --server http://tagpilot.flux-system:9440\n  $ tagpilot status --server http://127.0.0.1:9440 --token-file ./status-token -o yaml',
      )
      .action(async (options: StatusOptions) => {
        const server = serverUrl(options.server, '--server');
        const token =
          options.tokenFile === undefined
            ? undefined
            : readSecretFile(options.tokenFile, context.io.cwd, '--token-file');
        const report = await fetchStatus(server, token);
        const now = Date.now();
        printResult(context.io.stdout, options.output, report, report.repositories, [
          { header: 'repository', value: (r) => r.name },
          { header: 'state', value: (r) => (r.owned ? r.state : `${r.state} (not owned)`) },
          { header: 'last cycle', value: (r) => lastCycle(r, now) },
          { header: 'last success', value: (r) => ago(r.lastSuccessAt, now) },
          { header: 'pending', value: (r) => (r.pending.length === 0 ? '-' : r.pending.join(',')) },
          { header: 'workloads', value: (r) => String(r.workloads.length) },
          {
            header: 'held/locked/errors',
            value: (r) =>
              ['held', 'locked', 'error']
                .map((state) => r.workloads.filter((w) => w.state === state).length)
                .join('/'),
          },
          { header: 'problems', value: (r) => r.problems.map((p) => p.message).join('; ') || '-' },
        ]);
        setExit(EXIT.ok);
      });
  },
};
