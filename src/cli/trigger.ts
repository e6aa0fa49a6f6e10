/**
 * `tagpilot trigger <repository> --server URL --token-file F`: asks a running controller for a
 * cycle of one repository now, through its token-protected HTTP API (the trigger merges with one
 * already pending, like any other).
 */
import type { Command } from 'commander';
import type { CommandModule } from './commands.js';
import { EXIT } from './exit-codes.js';
import {
  DEFAULT_SERVER,
  errorMessage,
  readSecretFile,
  request,
  serverUrl,
  ServerRequestError,
} from './server-client.js';

interface TriggerOptions {
  readonly server: string;
  readonly tokenFile: string;
}

export const triggerCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('trigger')
      .description('Ask a running controller to run a cycle of one repository now.')
      .argument('<repository>', 'the repository name as `tagpilot status` shows it')
      .option('--server <url>', "the controller's health/status port", DEFAULT_SERVER)
      .requiredOption(
        '--token-file <file>',
        'file holding the trigger token (server.triggerTokenFile)',
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 queued, 1 refused or unreachable (unknown repository, wrong token, another replica owns it), 2 bad option.\n\nExample:\n  $ tagpilot trigger deploy --server http://127.0.0.1:9440 --token-file ./trigger-token',
      )
      .action(async (repository: string, options: TriggerOptions) => {
        const server = serverUrl(options.server, '--server');
        const token = readSecretFile(options.tokenFile, context.io.cwd, '--token-file');
        const base = server.href.endsWith('/') ? server.href : `${server.href}/`;
        const url = new URL(`api/v1/repositories/${encodeURIComponent(repository)}/trigger`, base);
        const response = await request(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        if (response.status !== 202)
          throw new ServerRequestError(
            `trigger ${repository}: HTTP ${response.status}: ${errorMessage(response)}`,
          );
        context.io.stdout.write(`queued a cycle of ${repository}\n`);
        setExit(EXIT.ok);
      });
  },
};
