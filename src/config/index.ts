export {
  loadConfig,
  listSettings,
  CONFIG_FILE_NAME,
  type ConfigOverride,
  type LoadOptions,
  type LoadedConfig,
} from './load.js';
export { ConfigError } from './errors.js';
export type {
  Config,
  RepositoryConfig,
  ServerConfig,
  WebhooksConfig,
  WebhookReceiverConfig,
} from './schema.js';
export { WEBHOOK_TYPES, type WebhookType } from './sections/webhooks.js';
export { parseDuration } from './sections/common.js';
