/**
 * The cheap test run before any YAML parsing: a file that names no image, no marker and no Flux
 * v1 alias annotation cannot yield a slot, so it is never parsed. Tokens are plain substrings
 * (`image` also matches `images:` and `imagePullPolicy`, which only costs a parse).
 */
import { MARKER_TOKEN } from './markers.js';

const TOKENS = ['image', MARKER_TOKEN, 'fluxcd.io/'];

export function mayHoldSlots(source: string): boolean {
  return TOKENS.some((token) => source.includes(token));
}

/**
 * The offset of a `{{` outside quoted and block scalars and comments: a Helm (Go) template, not
 * YAML data. Inside quoted strings it is data (Argo Workflows' `"{{inputs.parameters.x}}"`).
 */
export function templateOffset(
  source: string,
  dataRanges: readonly (readonly [number, number])[],
): number | undefined {
  for (let at = source.indexOf('{{'); at !== -1; at = source.indexOf('{{', at + 2)) {
    const position = at;
    if (dataRanges.some(([start, end]) => start <= position && position < end)) continue;
    // `# see {{ .Values.x }}` in a comment is not a template either.
    const before = source.slice(source.lastIndexOf('\n', position) + 1, position);
    if (/(^|[ \t])#/.test(before)) continue;
    return position;
  }
  return undefined;
}
