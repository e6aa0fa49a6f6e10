/**
 * Every `tagpilot` command, one file each. A command adds itself to the program and returns its
 * exit code from its action.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { configCommand } from './config.js';
import { editAnnotationCommand } from './edit-annotation.js';
import { editImageCommand } from './edit-image.js';
import { explainCommand } from './explain.js';
import { listImagesCommand } from './list-images.js';
import { listWorkloadsCommand } from './list-workloads.js';
import { parseImageCommand } from './parse-image.js';
import { planCommand } from './plan.js';
import { policyCommand } from './policy.js';
import { releaseCommand } from './release.js';
import { resumeCommand } from './resume.js';
import { runCommand } from './run.js';
import { selectCommand } from './select.js';
import { suspendCommand } from './suspend.js';
import { scanCommand } from './scan.js';
import { statusCommand } from './status.js';
import { triggerCommand } from './trigger.js';
import { webhookCommand } from './webhook-test.js';

export interface CommandModule {
  register(program: Command, context: CliContext, setExit: (code: number) => void): void;
}

export const COMMANDS: readonly CommandModule[] = [
  selectCommand,
  parseImageCommand,
  configCommand,
  editImageCommand,
  editAnnotationCommand,
  planCommand,
  runCommand,
  explainCommand,
  listWorkloadsCommand,
  listImagesCommand,
  policyCommand,
  releaseCommand,
  suspendCommand,
  resumeCommand,
  scanCommand,
  statusCommand,
  triggerCommand,
  webhookCommand,
];
