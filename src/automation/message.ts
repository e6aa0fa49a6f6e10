/**
 * Commit messages for tagpilot's commits (docs/automation.md, "Commit messages").
 *
 * A subject a person understands at a glance (`chore(images): update api to 1.4.3, worker to
 * 2.0.1`, bounded), a body with one paragraph per slot (workload, container, old → new, policy,
 * reason), and one `Tagpilot-Update: <slot> <old> <new>` trailer per slot. The trailers are how
 * tagpilot recognises its own commits later (rollback holds) and how people filter them
 * (`git log --grep Tagpilot-Update`); a user template replaces subject and body, never trailers.
 */
import { formatImageRef } from '../image/index.js';
import { TagpilotError } from '../errors/index.js';
import { formatWorkloadId } from '../policy/index.js';
import type { SlotDecision } from './types.js';

export type UpdateDecision = Extract<SlotDecision, { kind: 'update' }>;

export const TRAILER = 'Tagpilot-Update';
/** Git's own advice for a subject line; longer subjects are cut to "and N more". */
export const SUBJECT_MAX = 72;

export interface MessageOptions {
  /** A user template; see TEMPLATE_PLACEHOLDERS. Undefined: the default subject + body. */
  readonly template?: string | undefined;
  /** Append `[skip ci]` to the subject (CI systems skip such commits). */
  readonly skipCi?: boolean | undefined;
}

/** The placeholders a message template may use, each documented in docs/automation.md. */
export const TEMPLATE_PLACEHOLDERS = {
  subject: 'the default subject line',
  body: 'the default body (one paragraph per updated slot)',
  count: 'the number of updated slots',
  updates: 'one line per update: "<slot> <old> -> <new>"',
  workloads: 'the updated workloads (or slot ids), comma separated',
  images: 'the new references, comma separated',
} as const;
export type Placeholder = keyof typeof TEMPLATE_PLACEHOLDERS;

export class MessageTemplateError extends TagpilotError {
  constructor(message: string) {
    super('MESSAGE_TEMPLATE_INVALID', message);
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Throws MessageTemplateError for an unknown placeholder or an empty template. */
export function validateTemplate(template: string): void {
  if (template.trim() === '') throw new MessageTemplateError('message template is empty');
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!(name in TEMPLATE_PLACEHOLDERS))
      throw new MessageTemplateError(
        `message template: unknown placeholder {{${name}}}; known: ${Object.keys(TEMPLATE_PLACEHOLDERS).join(', ')}`,
      );
  }
}

/** A short label for a slot: the workload name, `name/container` when that is ambiguous. */
export function slotLabel(update: UpdateDecision, all: readonly UpdateDecision[]): string {
  const { slot } = update;
  if (slot.workload === undefined) return lastPathComponent(slot.current.writtenPath);
  const sameWorkload = all.filter(
    (other) =>
      other.slot.workload !== undefined &&
      other.slot.workload.name === slot.workload?.name &&
      other.slot.workload.namespace === slot.workload.namespace,
  );
  const name = slot.workload.name;
  return sameWorkload.length > 1 && slot.container !== undefined
    ? `${name}/${slot.container}`
    : name;
}

function lastPathComponent(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** What the new value looks like in a subject: the tag, with a short digest when that changed. */
function shortVersion(update: UpdateDecision): string {
  const tag = update.to.tag ?? '';
  if (update.change === 'digest' || update.change === 'pin' || tag === '') {
    const digest = update.to.digest ?? '';
    const short = digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
    return tag === '' ? `@${short}` : `${tag}@${short}`;
  }
  return tag;
}

export function subjectLine(updates: readonly UpdateDecision[], skipCi = false): string {
  const suffix = skipCi ? ' [skip ci]' : '';
  const prefix = 'chore(images): update ';
  const parts = updates.map((u) => `${slotLabel(u, updates)} to ${shortVersion(u)}`);
  const budget = SUBJECT_MAX - prefix.length - suffix.length;
  let text = parts.join(', ');
  if (text.length > budget) {
    // Keep as many whole entries as fit beside "and N more".
    let kept = parts.length - 1;
    for (; kept > 0; kept -= 1) {
      const candidate = `${parts.slice(0, kept).join(', ')} and ${parts.length - kept} more`;
      if (candidate.length <= budget) break;
    }
    text =
      kept === 0
        ? `${parts.length} images`
        : `${parts.slice(0, kept).join(', ')} and ${parts.length - kept} more`;
  }
  return `${prefix}${text}${suffix}`;
}

export function bodyText(updates: readonly UpdateDecision[]): string {
  return updates
    .map((u) => {
      const where =
        u.slot.workload === undefined
          ? u.slot.id
          : `${formatWorkloadId(u.slot.workload)}${u.slot.container === undefined ? '' : ` container ${u.slot.container}`}`;
      const policy =
        u.slot.policy !== undefined && !(u.slot.policy instanceof Error)
          ? u.slot.policy.policy.source
          : '?';
      const lines = [
        `${where} (${u.slot.file}):`,
        `  ${formatImageRef(u.from)} -> ${formatImageRef(u.to)}`,
        `  policy ${policy} (${u.reason.semantics}), ${changeWords(u)}: ${u.reason.text}`,
      ];
      if (u.releasedHold !== undefined)
        lines.push(`  releases the rollback hold below ${u.releasedHold}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

function changeWords(update: UpdateDecision): string {
  switch (update.change) {
    case 'update':
      return 'update';
    case 'policy-change':
      return 'policy change (the current tag no longer satisfies the policy)';
    case 'digest':
      return 'same tag, new digest';
    case 'pin':
      return 'digest pinned';
  }
}

/** Spaces in a slot id (a file name with a space) would split the trailer; encode them. */
export function encodeSlot(id: string): string {
  return id.replace(/%/g, '%25').replace(/ /g, '%20');
}

export function decodeSlot(text: string): string {
  return text.replace(/%20/g, ' ').replace(/%25/g, '%');
}

export function trailerLines(updates: readonly UpdateDecision[]): string[] {
  return updates.map(
    (u) => `${TRAILER}: ${encodeSlot(u.slot.id)} ${formatImageRef(u.from)} ${formatImageRef(u.to)}`,
  );
}

/** The full commit message: subject, blank line, body, blank line, trailers. */
export function commitMessage(
  updates: readonly UpdateDecision[],
  options: MessageOptions = {},
): string {
  if (updates.length === 0)
    throw new Error('commitMessage: no updates (tagpilot never commits empty)');
  const subject = subjectLine(updates, options.skipCi === true);
  const body = bodyText(updates);
  let head: string;
  if (options.template === undefined) {
    head = `${subject}\n\n${body}`;
  } else {
    validateTemplate(options.template);
    const values: Record<Placeholder, string> = {
      subject,
      body,
      count: String(updates.length),
      updates: updates
        .map((u) => `${u.slot.id} ${formatImageRef(u.from)} -> ${formatImageRef(u.to)}`)
        .join('\n'),
      workloads: [...new Set(updates.map((u) => slotLabel(u, updates)))].join(', '),
      images: updates.map((u) => formatImageRef(u.to)).join(', '),
    };
    head = options.template
      .replace(PLACEHOLDER, (_all, name: string) => values[name as Placeholder])
      .trimEnd();
    if (options.skipCi === true && !head.includes('[skip ci]')) {
      const [first = '', ...rest] = head.split('\n');
      head = [`${first} [skip ci]`, ...rest].join('\n');
    }
  }
  return `${head}\n\n${trailerLines(updates).join('\n')}\n`;
}

export interface UpdateTrailer {
  readonly slot: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Reads the `Tagpilot-Update` trailers of a message. Only well-formed lines in the message's
 * last paragraph count (git's trailer rule), so a quoted trailer in a body is not mistaken.
 */
export function parseTrailers(message: string): UpdateTrailer[] {
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? '') : '';
  const trailers: UpdateTrailer[] = [];
  for (const line of last.split('\n')) {
    const match = /^Tagpilot-Update:\s+(\S+)\s+(\S+)\s+(\S+)\s*$/i.exec(line);
    if (match === null) continue;
    const [, slot = '', from = '', to = ''] = match;
    trailers.push({ slot: decodeSlot(slot), from, to });
  }
  return trailers;
}
