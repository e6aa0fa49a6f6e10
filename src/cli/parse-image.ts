import type { Command } from 'commander';
import {
  canonicalName,
  canonicalRef,
  ImageRefError,
  parseImageRef,
  type ImageRef,
} from '../image/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';

export const parseImageCommand: CommandModule = {
  register(program: Command, context, setExit) {
    program
      .command('parse-image')
      .description(
        'Parse an image reference and print its parts as JSON (registry, repository, tag, digest, canonical forms).',
      )
      .argument('<ref>', 'image reference, e.g. nginx:1.25 or ghcr.io/acme/api:1.4.2@sha256:...')
      .addHelpText(
        'after',
        '\nExit codes: 0 parsed, 2 not a valid reference.\n\nExample:\n  $ tagpilot parse-image nginx:1.25',
      )
      .action((input: string) => {
        let ref: ImageRef;
        try {
          ref = parseImageRef(input);
        } catch (error: unknown) {
          if (error instanceof ImageRefError) throw new UsageError(error.message);
          throw error;
        }
        const parsed = {
          original: ref.original,
          registry: ref.registry,
          repository: ref.repository,
          tag: ref.tag ?? null,
          digest: ref.digest ?? null,
          writtenRegistry: ref.writtenRegistry ?? null,
          writtenPath: ref.writtenPath,
          name: canonicalName(ref),
          canonical: canonicalRef(ref),
        };
        context.io.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
        setExit(EXIT.ok);
      });
  },
};
