/** PATCH bodies: RFC 7386 merge patches (also used for strategic merge here) and RFC 6902 JSON patches. */
import { ApiFailure } from './failure.js';
import type { KubeObject } from './server.js';

export function applyPatch(target: KubeObject, body: string, contentType: string): KubeObject {
  const type = contentType.split(';')[0]?.trim();
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    throw new ApiFailure(400, 'BadRequest', 'the patch body is not JSON');
  }
  if (
    type === 'application/merge-patch+json' ||
    type === 'application/strategic-merge-patch+json'
  ) {
    return mergePatch(target, patch) as KubeObject;
  }
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(patch))
      throw new ApiFailure(400, 'BadRequest', 'a JSON patch must be an array');
    let result: unknown = target;
    for (const operation of patch as { op: string; path: string; value?: unknown }[])
      result = jsonPatchOp(result, operation);
    return result as KubeObject;
  }
  throw new ApiFailure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`,
  );
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 add/replace/remove/test on object members (arrays: index or `-`). */
function jsonPatchOp(
  document: unknown,
  operation: { op: string; path: string; value?: unknown },
): unknown {
  const segments = operation.path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = segments.pop();
  if (last === undefined) throw new ApiFailure(422, 'Invalid', 'empty JSON patch path');
  let parent = document as Record<string, unknown>;
  for (const segment of segments) {
    const next = parent[segment];
    if (typeof next !== 'object' || next === null)
      throw new ApiFailure(422, 'Invalid', `JSON patch path ${operation.path} does not exist`);
    parent = next as Record<string, unknown>;
  }
  switch (operation.op) {
    case 'add':
    case 'replace':
      if (Array.isArray(parent)) {
        if (last === '-') parent.push(operation.value);
        else parent.splice(Number(last), operation.op === 'add' ? 0 : 1, operation.value);
      } else parent[last] = operation.value;
      break;
    case 'remove':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else Reflect.deleteProperty(parent, last);
      break;
    case 'test':
      if (JSON.stringify(parent[last]) !== JSON.stringify(operation.value))
        throw new ApiFailure(422, 'Invalid', `JSON patch test failed at ${operation.path}`);
      break;
    default:
      throw new ApiFailure(422, 'Invalid', `unsupported JSON patch op ${operation.op}`);
  }
  return document;
}
