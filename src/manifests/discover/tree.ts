/**
 * A small read-only node tree built from js-yaml 5's event stream (decision 0030): just enough
 * structure to walk manifests by key, with every scalar's exact source range. Scalars are kept as
 * text, never typed, so `tag: 1.10` reads as the tag `1.10`.
 */
import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event } from 'js-yaml';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export interface YScalar {
  readonly t: 'scalar';
  readonly value: string;
  /** Start of the scalar as written, including an opening quote. */
  readonly start: number;
  /** End of the scalar as written, including a closing quote. */
  readonly end: number;
  readonly style: ScalarStyle;
}

export interface YMap {
  readonly t: 'map';
  readonly start: number;
  readonly flow: boolean;
  readonly keys: YNode[];
  readonly values: YNode[];
}

export interface YSeq {
  readonly t: 'seq';
  readonly start: number;
  readonly flow: boolean;
  readonly items: YNode[];
}

export interface YAlias {
  readonly t: 'alias';
  readonly start: number;
}

export type YNode = YScalar | YMap | YSeq | YAlias;

export interface YDocument {
  /** Undefined for an empty document. */
  readonly root: YNode | undefined;
}

const STYLES: Readonly<Record<number, ScalarStyle>> = {
  [SCALAR_STYLE.PLAIN]: 'plain',
  [SCALAR_STYLE.SINGLE_QUOTED]: 'single',
  [SCALAR_STYLE.DOUBLE_QUOTED]: 'double',
  [SCALAR_STYLE.LITERAL_BLOCK]: 'literal',
  [SCALAR_STYLE.FOLDED_BLOCK]: 'folded',
};

type Open = YMap | YSeq | { t: 'doc'; root: YNode | undefined };

function attach(parent: Open | undefined, node: YNode): void {
  if (parent === undefined) return;
  if (parent.t === 'doc') parent.root = node;
  else if (parent.t === 'seq') parent.items.push(node);
  else if (parent.keys.length === parent.values.length) parent.keys.push(node);
  else parent.values.push(node);
}

function scalarOf(source: string, event: Extract<Event, { type: 4 }>, base: number): YScalar {
  const style = STYLES[event.style] ?? 'plain';
  const quoted = style === 'single' || style === 'double';
  // js-yaml's value range excludes the quotes; ours includes them (types.ts, SourceRange).
  return {
    t: 'scalar',
    value: getScalarValue(source, event),
    start: base + (quoted ? event.valueStart - 1 : event.valueStart),
    end: base + (quoted ? event.valueEnd + 1 : event.valueEnd),
    style,
  };
}

/** Builds documents from js-yaml events over `source`; `base` is added to every offset. */
function build(source: string, base: number): YDocument[] {
  const documents: YDocument[] = [];
  const stack: Open[] = [];
  for (const event of parseEvents(source, {})) {
    const parent = stack[stack.length - 1];
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        stack.push({ t: 'doc', root: undefined });
        break;
      case EVENT_ID.MAPPING: {
        const node: YMap = {
          t: 'map',
          start: base + event.start,
          flow: event.style !== 1,
          keys: [],
          values: [],
        };
        attach(parent, node);
        stack.push(node);
        break;
      }
      case EVENT_ID.SEQUENCE: {
        const node: YSeq = {
          t: 'seq',
          start: base + event.start,
          flow: event.style !== 1,
          items: [],
        };
        attach(parent, node);
        stack.push(node);
        break;
      }
      case EVENT_ID.SCALAR:
        attach(parent, scalarOf(source, event, base));
        break;
      case EVENT_ID.ALIAS:
        attach(parent, { t: 'alias', start: base + event.anchorStart - 1 });
        break;
      case EVENT_ID.POP: {
        const closed = stack.pop();
        if (closed?.t === 'doc') documents.push({ root: closed.root });
        break;
      }
    }
  }
  return documents;
}

/** Parses every document of `source`; throws js-yaml's YAMLException on malformed input. */
export function parseDocuments(source: string): YDocument[] {
  return build(source, 0);
}

/** The value under a string key of a map (the first one, as js-yaml's loader would refuse dups). */
export function get(node: YNode | undefined, key: string): YNode | undefined {
  if (node?.t !== 'map') return undefined;
  for (let i = 0; i < node.keys.length; i++) {
    const k = node.keys[i];
    if (k?.t === 'scalar' && k.value === key) return node.values[i];
  }
  return undefined;
}

/** The text of a scalar, or undefined for anything else. */
export function text(node: YNode | undefined): string | undefined {
  return node?.t === 'scalar' ? node.value : undefined;
}

/** Walks a key path of maps. */
export function getIn(node: YNode | undefined, keys: readonly string[]): YNode | undefined {
  let current = node;
  for (const key of keys) current = get(current, key);
  return current;
}

/** The string entries of a map whose values are scalars (annotations, for instance). */
export function stringMap(node: YNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (node?.t !== 'map') return out;
  for (let i = 0; i < node.keys.length; i++) {
    const k = node.keys[i];
    const v = node.values[i];
    if (k?.t === 'scalar' && v?.t === 'scalar' && !(k.value in out)) out[k.value] = v.value;
  }
  return out;
}

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/** Appends a map key to a YAML path: `.key`, or `["odd.key"]` when it is not a plain word. */
export function pathKey(path: string, key: string): string {
  return SIMPLE_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
