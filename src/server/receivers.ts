/**
 * The configured receivers: each with its type's verifier, its secrets (re-read on change), its
 * rate limit, its delivery memory and its body cap. Built once at start-up; a receiver whose
 * secret file is missing or empty stops the start with a configuration error.
 */
import { ConfigError, type WebhookReceiverConfig, type WebhooksConfig } from '../config/index.js';
import type { Logger, SecretRedactor } from '../telemetry/index.js';
import { DeliveryMemory } from './delivery-memory.js';
import { TokenBucket } from './rate-limit.js';
import { SecretFile } from './secret-file.js';
import { safeEqual, secretPath } from './verify.js';
import { receiverType, type Receiver, type ReceiverType } from './webhooks/index.js';

export interface ConfiguredReceiver {
  readonly name: string;
  readonly config: WebhookReceiverConfig;
  readonly kind: ReceiverType;
  readonly receiver: Receiver;
  readonly secret: SecretFile | undefined;
  readonly bucket: TokenBucket;
  readonly memory: DeliveryMemory;
  readonly maxBodyBytes: number;
}

export interface ReceiverDeps {
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly now: () => number;
  readonly fetch: typeof fetch;
}

export async function configureReceivers(
  webhooks: WebhooksConfig,
  deps: ReceiverDeps,
): Promise<ConfiguredReceiver[]> {
  const configured: ConfiguredReceiver[] = [];
  for (const [index, config] of webhooks.receivers.entries()) {
    const setting = `webhooks.receivers[${index}]`;
    const kind = receiverType(config.type);
    const open = async (path: string | undefined, key: string): Promise<SecretFile | undefined> =>
      path === undefined
        ? undefined
        : SecretFile.open(path, {
            setting: `${setting}.${key}`,
            redactor: deps.redactor,
            logger: deps.logger,
            now: deps.now,
          });
    const secret = await open(config.secretFile, 'secretFile');
    const signingToken = await open(config.signingTokenFile, 'signingTokenFile');
    if (kind.addressing === 'secret-path' && secret === undefined)
      throw new ConfigError(`${setting}.secretFile: a ${config.type} receiver needs a secret`);
    const limit = config.rateLimit ?? webhooks.rateLimit;
    configured.push({
      name: config.name,
      config,
      kind,
      receiver: kind.create({
        config,
        secret,
        signingToken,
        now: deps.now,
        clockSkewMs: webhooks.clockSkew,
        fetch: deps.fetch,
      }),
      secret,
      bucket: new TokenBucket(limit.burst, limit.perMinute, deps.now()),
      memory: new DeliveryMemory(webhooks.deliveryMemory),
      maxBodyBytes: kind.bodyCap === 'git-push' ? webhooks.maxGitBodyBytes : webhooks.maxBodyBytes,
    });
  }
  return configured;
}

/**
 * The receiver at `/hook/<id>`: by name, or by its secret path. Every secret-path receiver is
 * compared (in constant time) whatever matched first, so timing says nothing about which.
 */
export async function findReceiver(
  receivers: readonly ConfiguredReceiver[],
  id: string,
): Promise<ConfiguredReceiver | undefined> {
  let found: ConfiguredReceiver | undefined;
  for (const candidate of receivers) {
    if (candidate.kind.addressing === 'name') {
      if (found === undefined && candidate.name === id) found = candidate;
      continue;
    }
    const secret = await candidate.secret?.value();
    if (secret === undefined) continue;
    if (safeEqual(id, secretPath(secret, candidate.name)) && found === undefined) found = candidate;
  }
  return found;
}
