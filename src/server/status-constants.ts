/**
 * The status API's closed sets and version, with no runtime dependency, so the status page's
 * browser bundle (src/status-page/) can import them without pulling in zod; status-schema.ts
 * builds the schema from them and re-exports them.
 */
export const STATUS_API_VERSION = 'tagpilot.status/v1';

export const WORKLOAD_STATUS_STATES = [
  'automated',
  'pending',
  'held',
  'locked',
  'ignored',
  'error',
] as const;

export const REPOSITORY_STATES = ['idle', 'running', 'pending', 'backoff', 'suspended'] as const;
