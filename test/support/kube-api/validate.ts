/**
 * The API server's validation for what the double stores: events.k8s.io/v1 Events
 * (`ValidateEventCreate`/`ValidateEventUpdate`: required fields, 128-character limits, note at
 * most 1 KiB, type Normal or Warning, series, immutable fields on update) and RFC3339Micro
 * MicroTime fields (six fractional digits) in Events and Leases.
 */
import { ApiFailure } from './failure.js';
import type { ResourceInfo } from './resources.js';
import type { KubeObject } from './server.js';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

export function validate(
  resource: ResourceInfo,
  object: KubeObject,
  existing: KubeObject | undefined,
): void {
  const errors: string[] = [];
  if (resource.plural === 'events') errors.push(...eventErrors(object, existing));
  if (resource.plural === 'leases') {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    for (const field of ['acquireTime', 'renewTime']) {
      const value = spec[field];
      if (value !== undefined && (typeof value !== 'string' || !MICRO_TIME.test(value)))
        errors.push(
          `spec.${field}: Invalid value: ${JSON.stringify(value)}: expected RFC3339Micro`,
        );
    }
  }
  if (errors.length > 0) {
    throw new ApiFailure(
      422,
      'Invalid',
      `${resource.kind}.${resource.group || 'core'} "${object.metadata.name}" is invalid: ${errors.join(', ')}`,
    );
  }
}

function eventErrors(object: KubeObject, existing: KubeObject | undefined): string[] {
  const errors: string[] = [];
  const text = (field: string): string | undefined =>
    typeof object[field] === 'string' ? object[field] : undefined;
  const eventTime = text('eventTime');
  if (eventTime === undefined) errors.push('eventTime: Required value');
  else if (!MICRO_TIME.test(eventTime)) errors.push(`eventTime: Invalid value: "${eventTime}"`);
  for (const field of ['reportingController', 'reportingInstance', 'action', 'reason']) {
    const value = text(field);
    if (value === undefined || value === '') errors.push(`${field}: Required value`);
    else if (value.length > 128) errors.push(`${field}: Too long: may not be longer than 128`);
  }
  const note = text('note');
  if (note !== undefined && Buffer.byteLength(note) > 1024)
    errors.push('note: Too long: may not be longer than 1024');
  const type = text('type');
  if (type !== 'Normal' && type !== 'Warning')
    errors.push(`type: Unsupported value: "${String(type)}"`);
  const regarding = object.regarding as Record<string, unknown> | undefined;
  if (regarding === undefined || typeof regarding.kind !== 'string')
    errors.push('regarding: Required value');
  const series = object.series as Record<string, unknown> | undefined;
  if (series !== undefined) {
    if (typeof series.count !== 'number' || series.count < 2)
      errors.push('series.count: Invalid value: should be at least 2');
    if (typeof series.lastObservedTime !== 'string' || !MICRO_TIME.test(series.lastObservedTime))
      errors.push('series.lastObservedTime: Required value');
  }
  if (existing !== undefined) {
    // The API server refuses changes to an Event's identity fields on update.
    for (const field of [
      'reason',
      'action',
      'reportingController',
      'reportingInstance',
      'type',
      'note',
    ]) {
      if (JSON.stringify(object[field]) !== JSON.stringify(existing[field]))
        errors.push(`${field}: Invalid value: field is immutable`);
    }
    if (JSON.stringify(object.regarding) !== JSON.stringify(existing.regarding))
      errors.push('regarding: Invalid value: field is immutable');
  }
  return errors;
}
