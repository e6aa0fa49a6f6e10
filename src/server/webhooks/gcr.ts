/**
 * Google Container Registry / Artifact Registry notifications through a Pub/Sub push
 * subscription (Google Cloud docs "Configuring Pub/Sub notifications", "Authentication for push
 * subscriptions"). The push carries `Authorization: Bearer <OIDC JWT>` signed by Google: its
 * signature is checked against Google's published keys (JWKS), and its `iss`, `aud`, `email`
 * (the subscription's service account, `email_verified`) and times (60 s skew by default) must
 * match — all before the body is read. The body is the push envelope
 * `{"message": {"data": base64, "messageId": ...}, "subscription": ...}`; `data` decodes to
 * `{"action": "INSERT", "digest": "<repository>@sha256:...", "tag": "<repository>:<tag>"}`.
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { imageRepositoryOf, withRegistryHost } from '../image-name.js';
import { header, ignored, invalid, triggers } from './common.js';
import { parseJson, text, type Json } from './json.js';
import type { ReceiverContext, ReceiverType } from './types.js';

const KEYS_TTL_MS = 3_600_000;
const KEYS_REFRESH_MIN_MS = 60_000;

/** Google's signing keys, fetched when first needed, kept an hour, refetched for a new `kid`. */
class KeySet {
  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #fetchedAt = 0;

  constructor(private readonly context: ReceiverContext) {}

  async get(force: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    const now = this.context.now();
    const stale = now - this.#fetchedAt > KEYS_TTL_MS;
    const mayRefresh = now - this.#fetchedAt > KEYS_REFRESH_MIN_MS;
    if (this.#keys === undefined || stale || (force && mayRefresh)) {
      const response = await this.context.fetch(this.context.config.jwksUrl, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new Error(`JWKS ${this.context.config.jwksUrl}: HTTP ${response.status}`);
      this.#keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);
      this.#fetchedAt = now;
    }
    return this.#keys;
  }
}

function decodeData(message: Json | undefined): Json | undefined {
  const data = text(message, 'data');
  if (data === undefined) return undefined;
  return parseJson(Buffer.from(data, 'base64'));
}

export const gcr: ReceiverType = {
  type: 'gcr',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    const keys = new KeySet(context);
    const { audience, serviceAccountEmail, issuers } = context.config;
    const verifyToken = async (token: string, force: boolean): Promise<boolean> => {
      const { payload } = await jwtVerify(token, await keys.get(force), {
        issuer: [...issuers],
        ...(audience === undefined ? {} : { audience }),
        clockTolerance: Math.round(context.clockSkewMs / 1000),
        currentDate: new Date(context.now()),
      });
      return payload.email === serviceAccountEmail && payload.email_verified === true;
    };
    return {
      async verify(delivery) {
        const match = /^Bearer\s+(\S+)$/i.exec(header(delivery, 'authorization') ?? '');
        const token = match?.[1];
        if (token === undefined || audience === undefined) return false;
        try {
          return await verifyToken(token, false);
        } catch (error: unknown) {
          // A key rotated since the last fetch: fetch the keys once more and retry.
          if (error instanceof errors.JWKSNoMatchingKey) {
            try {
              return await verifyToken(token, true);
            } catch {
              return false;
            }
          }
          return false;
        }
      },
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const message =
          payload !== null && typeof payload === 'object' && !Array.isArray(payload)
            ? payload.message
            : undefined;
        const data = decodeData(message);
        if (data === undefined) return invalid('message.data is not base64 JSON');
        const action = text(data, 'action');
        if (action !== 'INSERT') return ignored(`action ${action ?? 'unknown'}`);
        const reference = text(data, 'tag') ?? text(data, 'digest');
        const image = reference === undefined ? undefined : imageRepositoryOf(reference);
        return triggers(
          [image === undefined ? undefined : withRegistryHost(image, context.config.registryHost)],
          text(message, 'messageId') ?? text(message, 'message_id'),
          'tag or digest',
        );
      },
    };
  },
  // Only Google can sign the token; `tagpilot webhook test` says how to test with gcloud.
  sender: undefined,
};
