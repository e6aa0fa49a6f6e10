/**
 * Gitea and Forgejo push webhooks (docs.gitea.com / forgejo.org "Webhooks"): HMAC-SHA256 of the
 * body in bare hex, in `X-Forgejo-Signature` or `X-Gitea-Signature`; the event in
 * `X-Forgejo-Event` / `X-Gitea-Event`, the delivery id in `X-Forgejo-Delivery` /
 * `X-Gitea-Delivery`.
 */
import { hmacSha256 } from '../verify.js';
import { gitSubject, header, hexHmacVerifier, ignored, invalid, triggers } from './common.js';
import { jsonBody, parseJson, text } from './json.js';
import type { ReceiverType } from './types.js';

export const gitea: ReceiverType = {
  type: 'gitea',
  bodyCap: 'git-push',
  addressing: 'name',
  create(context) {
    return {
      verify: hexHmacVerifier(context, ['x-forgejo-signature', 'x-gitea-signature'], ''),
      interpret(delivery) {
        const event =
          header(delivery, 'x-forgejo-event') ??
          header(delivery, 'x-gitea-event') ??
          header(delivery, 'x-gogs-event');
        if (event === undefined) return invalid('no X-Gitea-Event or X-Forgejo-Event header');
        if (event !== 'push') return ignored(`event ${event}`);
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const repo = (key: string): string | undefined => text(payload, 'repository', key);
        return triggers(
          [gitSubject([repo('clone_url'), repo('ssh_url'), repo('html_url')])],
          header(delivery, 'x-forgejo-delivery') ?? header(delivery, 'x-gitea-delivery'),
          'repository URL',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      return {
        body: jsonBody({
          ref: 'refs/heads/main',
          repository: { clone_url: subject.kind === 'git' ? subject.gitUrl : '' },
        }),
        headers: {
          'content-type': 'application/json',
          'x-gitea-event': 'push',
          'x-gitea-delivery': subject.deliveryId,
        },
      };
    },
    authenticate(delivery, secret) {
      return { 'x-gitea-signature': hmacSha256(secret, delivery.body).toString('hex') };
    },
  },
};
