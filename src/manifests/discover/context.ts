/** The state of extracting one file: notes and slots collected, plus shared helpers. */
import { ImageRefError, parseImageRef, type ImageRef } from '../../image/index.js';
import { PolicyError, policyFromAnnotations, type WorkloadPolicy } from '../../policy/index.js';
import type { DiscoveryNote } from '../types.js';
import type { ExtractOptions, NoteFact, ObjectFact, SlotFact } from './facts.js';
import { LineIndex } from './lines.js';
import type { YNode, YScalar } from './tree.js';

export class FileContext {
  readonly notes: NoteFact[] = [];
  readonly slots: SlotFact[] = [];
  readonly objects: ObjectFact[] = [];
  readonly lines: LineIndex;
  /** Scalar start offset → index in `slots`, so a marker on a found scalar refines that slot. */
  readonly claimed = new Map<number, number>();

  constructor(
    readonly source: string,
    readonly options: ExtractOptions,
  ) {
    this.lines = new LineIndex(source);
  }

  note(severity: DiscoveryNote['severity'], offset: number | undefined, message: string): void {
    // Null scalars have no source position (-1).
    if (offset === undefined || offset < 0) {
      this.notes.push({ severity, message });
      return;
    }
    this.notes.push({
      severity,
      line: this.lines.line(offset),
      column: this.lines.column(offset),
      message,
    });
  }

  /** Records a slot and the scalars it is made of. */
  addSlot(fact: SlotFact, scalars: readonly (YScalar | undefined)[]): void {
    const index = this.slots.length;
    this.slots.push(fact);
    for (const scalar of scalars) if (scalar !== undefined) this.claimed.set(scalar.start, index);
  }

  /** Replaces a recorded slot (a marker refining its policy). */
  replaceSlot(index: number, fact: SlotFact): void {
    this.slots[index] = fact;
  }

  /** Parses an image reference; a bad one becomes an error note at `offset` and undefined. */
  imageRef(input: string, offset: number, what: string): ImageRef | undefined {
    try {
      return parseImageRef(input);
    } catch (error: unknown) {
      if (!(error instanceof ImageRefError)) throw error;
      this.note('error', offset, `${what}: ${error.message}; this image is skipped`);
      return undefined;
    }
  }

  /** Reads an object's annotations through the policy layer and reports its warnings. */
  workloadPolicy(annotations: Readonly<Record<string, string>>, offset: number): WorkloadPolicy {
    const policy = policyFromAnnotations(annotations);
    for (const warning of policy.warnings) this.note('warning', offset, warning.message);
    return policy;
  }

  /** Reports an invalid container policy (the slot still carries the error value). */
  reportPolicyError(policy: unknown, offset: number, what: string): void {
    if (policy instanceof PolicyError) this.note('error', offset, `${what}: ${policy.message}`);
  }

  /** A scalar fit to be edited as an image field; block scalars and aliases get a note. */
  editableScalar(node: YNode | undefined, what: string): YScalar | undefined {
    if (node === undefined) return undefined;
    if (node.t === 'scalar') {
      if (node.style === 'plain' || node.style === 'single' || node.style === 'double') return node;
      this.note('warning', node.start, `${what} is a block scalar (| or >); it is skipped`);
      return undefined;
    }
    if (node.t === 'alias')
      this.note('warning', node.start, `${what} is an alias (*name); edit the anchor instead`);
    else this.note('warning', node.start, `${what} is not a string`);
    return undefined;
  }
}
