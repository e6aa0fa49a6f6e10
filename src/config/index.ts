export {
  loadConfig,
  listSettings,
  CONFIG_FILE_NAME,
  type ConfigOverride,
  type LoadOptions,
  type LoadedConfig,
} from './load.js';
export { ConfigError } from './errors.js';
export type { Config, RepositoryConfig } from './schema.js';
export { parseDuration } from './sections/common.js';
