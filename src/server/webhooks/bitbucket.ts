/**
 * Bitbucket Cloud (`X-Event-Key: repo:push`) and Data Center (`repo:refs_changed`) push
 * webhooks, both signed with HMAC-SHA256 of the body in `X-Hub-Signature: sha256=<hex>`
 * (Atlassian "Event payloads" and "Manage webhooks" — Cloud and Data Center). Delivery ids:
 * `X-Request-UUID` (Cloud), `X-Request-Id` (Data Center). Cloud names the repository by its
 * `full_name` and web link; Data Center by its clone links, or — in payloads without links — by
 * project key and slug under the receiver's `baseUrl`.
 */
import { hmacSha256 } from '../verify.js';
import { gitSubject, header, hexHmacVerifier, ignored, invalid, triggers } from './common.js';
import { jsonBody, list, parseJson, text, type Json } from './json.js';
import type { ReceiverType } from './types.js';

const PUSH_EVENTS = new Set(['repo:push', 'repo:refs_changed']);

function cloudUrls(payload: Json): (string | undefined)[] {
  const fullName = text(payload, 'repository', 'full_name');
  return [
    text(payload, 'repository', 'links', 'html', 'href'),
    fullName === undefined ? undefined : `https://bitbucket.org/${fullName}.git`,
  ];
}

function dataCenterUrls(payload: Json, baseUrl: string | undefined): (string | undefined)[] {
  const clones = list(payload, 'repository', 'links', 'clone').map((link) => text(link, 'href'));
  if (clones.length > 0) return clones;
  const key = text(payload, 'repository', 'project', 'key');
  const slug = text(payload, 'repository', 'slug');
  if (baseUrl === undefined || key === undefined || slug === undefined) return [];
  return [`${baseUrl.replace(/\/+$/, '')}/scm/${key.toLowerCase()}/${slug}.git`];
}

export const bitbucket: ReceiverType = {
  type: 'bitbucket',
  bodyCap: 'git-push',
  addressing: 'name',
  create(context) {
    return {
      verify: hexHmacVerifier(context, ['x-hub-signature'], 'sha256='),
      interpret(delivery) {
        const event = header(delivery, 'x-event-key');
        if (event === undefined) return invalid('no X-Event-Key header');
        if (!PUSH_EVENTS.has(event)) return ignored(`event ${event}`);
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const urls =
          event === 'repo:push'
            ? cloudUrls(payload)
            : dataCenterUrls(payload, context.config.baseUrl);
        return triggers(
          [gitSubject(urls)],
          header(delivery, 'x-request-uuid') ?? header(delivery, 'x-request-id'),
          event === 'repo:push'
            ? 'repository link'
            : "repository clone link (or set the receiver's baseUrl)",
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const url = subject.kind === 'git' ? subject.gitUrl : '';
      return {
        body: jsonBody({
          eventKey: 'repo:refs_changed',
          repository: { links: { clone: [{ href: url, name: 'http' }] } },
          changes: [],
        }),
        headers: {
          'content-type': 'application/json',
          'x-event-key': 'repo:refs_changed',
          'x-request-id': subject.deliveryId,
        },
      };
    },
    authenticate(delivery, secret) {
      return { 'x-hub-signature': `sha256=${hmacSha256(secret, delivery.body).toString('hex')}` };
    },
  },
};
