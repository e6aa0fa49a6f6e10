/**
 * GitLab push webhooks (`X-Gitlab-Event: Push Hook`; docs.gitlab.com "Webhook events"). Verified
 * with the webhook's signing token in Standard Webhooks form when `signingTokenFile` is set
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, key = the base64 after `whsec_`; standardwebhooks.com, GitLab MR 230944),
 * and with `X-Gitlab-Token` compared in constant time when `secretFile` is set (both must pass
 * when both are set). The delivery id is `Idempotency-Key` (kept across GitLab's retries), else
 * `webhook-id`, else `X-Gitlab-Event-UUID`.
 */
import { hmacSha256, safeEqual } from '../verify.js';
import { gitSubject, header, ignored, invalid, triggers } from './common.js';
import { jsonBody, parseJson, text } from './json.js';
import type { RawDelivery, ReceiverType } from './types.js';

/** Standard Webhooks: a timestamp further than this from our clock is a replay (spec: 5 min). */
export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60_000;

function signingKey(token: string): Buffer {
  return token.startsWith('whsec_')
    ? Buffer.from(token.slice('whsec_'.length), 'base64')
    : Buffer.from(token, 'utf8');
}

function standardSignature(key: Buffer, id: string, timestamp: string, body: Buffer): string {
  return hmacSha256(key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body])).toString(
    'base64',
  );
}

/** Checks the Standard Webhooks headers of `delivery` against `token` at time `now`. */
export function verifyStandardWebhook(delivery: RawDelivery, token: string, now: number): boolean {
  const id = header(delivery, 'webhook-id') ?? '';
  const timestamp = header(delivery, 'webhook-timestamp') ?? '';
  const expected = standardSignature(signingKey(token), id, timestamp, delivery.body);
  const given = (header(delivery, 'webhook-signature') ?? '')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  let matched = false;
  for (const signature of given) if (safeEqual(signature, expected)) matched = true;
  const seconds = Number(timestamp);
  const fresh =
    /^\d+$/.test(timestamp) && Math.abs(now - seconds * 1000) <= STANDARD_WEBHOOKS_TOLERANCE_MS;
  return matched && fresh && id !== '';
}

export function signStandardWebhook(
  body: Buffer,
  token: string,
  id: string,
  now: number,
): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${standardSignature(signingKey(token), id, timestamp, body)}`,
  };
}

export const gitlab: ReceiverType = {
  type: 'gitlab',
  bodyCap: 'git-push',
  addressing: 'name',
  create(context) {
    const { secret, signingToken } = context;
    return {
      async verify(delivery) {
        let ok = true;
        if (signingToken !== undefined)
          ok = verifyStandardWebhook(delivery, await signingToken.value(), context.now()) && ok;
        if (secret !== undefined)
          ok = safeEqual(header(delivery, 'x-gitlab-token'), await secret.value()) && ok;
        return ok && (signingToken !== undefined || secret !== undefined);
      },
      interpret(delivery) {
        const event = header(delivery, 'x-gitlab-event');
        if (event === undefined) return invalid('no X-Gitlab-Event header');
        if (event !== 'Push Hook') return ignored(`event ${event}`);
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const id =
          header(delivery, 'idempotency-key') ??
          header(delivery, 'webhook-id') ??
          header(delivery, 'x-gitlab-event-uuid');
        return triggers(
          [
            gitSubject([
              text(payload, 'project', 'git_http_url'),
              text(payload, 'project', 'git_ssh_url'),
              text(payload, 'project', 'web_url'),
              text(payload, 'repository', 'git_http_url'),
              text(payload, 'repository', 'git_ssh_url'),
            ]),
          ],
          id,
          'project URL',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const url = subject.kind === 'git' ? subject.gitUrl : '';
      return {
        body: jsonBody({
          object_kind: 'push',
          ref: 'refs/heads/main',
          project: { git_http_url: url },
          repository: { git_http_url: url },
        }),
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': 'Push Hook',
          'idempotency-key': subject.deliveryId,
        },
      };
    },
    authenticate(delivery, secret, options) {
      return secret.startsWith('whsec_')
        ? signStandardWebhook(
            delivery.body,
            secret,
            delivery.headers['idempotency-key'] ?? 'msg',
            options.now,
          )
        : { 'x-gitlab-token': secret };
    },
  },
};
