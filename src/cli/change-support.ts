/**
 * Shared by the commands that change the repository as a person's commit (policy, release,
 * suspend, resume): the commit message with its trailer, the files of one workload, and the
 * printed result.
 */
import type { Config } from '../config/index.js';
import type { DiscoveryResult, ImageSlot, ManifestFile } from '../manifests/types.js';
import { discoverFor } from '../automation/wiring.js';
import type { RepositoryConfig } from '../config/index.js';
import { slotsOf, type ChangeResult } from './automation-support.js';
import type { Output } from './context.js';

/** `<subject>\n\n[<message>\n\n]<Trailer>: <value>` — the trailer marks tagpilot-made changes. */
export function changeMessage(
  subject: string,
  message: string | undefined,
  trailer: string,
  value: string,
): string {
  const body = message === undefined || message.trim() === '' ? '' : `${message.trim()}\n\n`;
  return `${subject}\n\n${body}${trailer}: ${value}\n`;
}

export async function workloadSlots(
  repo: RepositoryConfig,
  files: readonly ManifestFile[],
  workload: string,
): Promise<{ discovery: DiscoveryResult; slots: ImageSlot[] }> {
  const discovery = await discoverFor(repo)(files);
  return { discovery, slots: slotsOf(discovery.slots, workload, repo.defaultNamespace) };
}

export function printChange(out: Output, result: ChangeResult): void {
  out.write(
    result.commit === undefined
      ? `nothing to change: ${result.description}\n`
      : `committed ${result.commit.slice(0, 12)}: ${result.description}\n`,
  );
}

export function userOf(user: string | undefined, config: Config): string {
  return user ?? `${config.git.author.name} <${config.git.author.email}>`;
}
