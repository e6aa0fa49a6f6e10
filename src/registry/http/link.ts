/**
 * `Link` header (RFC 8288 §3): `<uri-reference>; rel="next", <...>; rel=prev`. Distribution and
 * OCI (distribution-spec "Listing Tags", opencontainers/distribution-spec#470) use rel="next"
 * for pagination; the target may be relative (distribution 2.8 `_catalog`, Quay) and may carry
 * an opaque cursor (Quay `next_page=`, ECR `last=<token>`), so it is resolved against the
 * request URL and otherwise followed verbatim. Pure.
 */

/** The `rel="next"` target of a Link header, resolved against `base`; undefined when absent. */
export function nextLink(header: string | undefined, base: string): URL | undefined {
  if (header === undefined || header === '') return undefined;
  for (const link of splitLinks(header)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(link);
    if (match === null) continue;
    const [, target = '', params = ''] = match;
    if (relations(params).includes('next')) return new URL(target, base);
  }
  return undefined;
}

/** Splits on commas outside `<...>` and quoted strings. */
function splitLinks(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inAngle = false;
  let inQuote = false;
  for (const char of header) {
    if (char === '<' && !inQuote) inAngle = true;
    else if (char === '>' && !inQuote) inAngle = false;
    else if (char === '"' && !inAngle) inQuote = !inQuote;
    if (char === ',' && !inAngle && !inQuote) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** The space-separated `rel` values (RFC 8288 §3.3), lower-cased. */
function relations(params: string): string[] {
  for (const param of params.split(';')) {
    const match = /^\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))\s*$/i.exec(param);
    if (match !== null) return (match[1] ?? match[2] ?? '').toLowerCase().split(/\s+/);
  }
  return [];
}
