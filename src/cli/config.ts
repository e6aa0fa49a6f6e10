import type { Command } from 'commander';
import { listSettings } from '../config/index.js';
import type { CommandModule } from './commands.js';
import { EXIT } from './exit-codes.js';
import { outputOption, printResult, type OutputFormat } from './output.js';

interface ConfigOptions {
  readonly env?: boolean;
  readonly output: OutputFormat;
}

export const configCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('config')
      .description(
        'Print the effective configuration (file, then TAGPILOT_* variables, then flags), or the settable variables.',
      )
      .option('--env', 'list every TAGPILOT_<SECTION>_<KEY> variable and the key it sets')
      .addOption(outputOption('yaml'))
      .addHelpText(
        'after',
        '\nThe file is --config FILE, else $TAGPILOT_CONFIG, else ./tagpilot.yaml (optional).\nSecrets are configured as file paths, so printing the config never prints a secret.\nExit codes: 0 valid, 2 invalid configuration (the message names the file, line and key).',
      )
      .action((options: ConfigOptions) => {
        if (options.env === true) {
          const rows = listSettings();
          printResult(context.io.stdout, options.output, rows, rows, [
            { header: 'variable', value: (row) => row.variable },
            { header: 'key', value: (row) => row.key },
            { header: 'type', value: (row) => row.type },
          ]);
          setExit(EXIT.ok);
          return;
        }
        const { config, file } = context.config();
        const rows = [{ file: file ?? '(none: defaults and environment only)' }];
        if (options.output === 'table') {
          printResult(context.io.stdout, 'yaml', { file: rows[0]?.file, ...config }, [], []);
        } else {
          printResult(context.io.stdout, options.output, { file: file ?? null, ...config }, [], []);
        }
        setExit(EXIT.ok);
      });
  },
};
