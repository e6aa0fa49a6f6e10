/**
 * Azure Container Registry webhooks (learn.microsoft.com "Azure Container Registry webhook
 * reference"): `action: push` with `target.repository` and `request.host`; `ping`, `delete`,
 * `chart_push` and the rest are ignored. The secret goes in a custom header configured on the
 * webhook (`--headers "Authorization=Bearer <secret>"`). The event `id` is the delivery id.
 */
import { imageRepository, withRegistryHost } from '../image-name.js';
import { headerSecret, headerSecretVerifier, ignored, invalid, triggers } from './common.js';
import { jsonBody, parseJson, text } from './json.js';
import type { ReceiverType } from './types.js';

export const acr: ReceiverType = {
  type: 'acr',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    return {
      verify: headerSecretVerifier(context),
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const action = text(payload, 'action');
        if (action !== 'push') return ignored(`action ${action ?? 'unknown'}`);
        const host = text(payload, 'request', 'host');
        const repository = text(payload, 'target', 'repository');
        const image =
          host === undefined || repository === undefined
            ? undefined
            : imageRepository(host, repository);
        return triggers(
          [image === undefined ? undefined : withRegistryHost(image, context.config.registryHost)],
          text(payload, 'id'),
          'target.repository with request.host',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const image = subject.kind === 'image' ? subject.image : '';
      const slash = image.indexOf('/');
      return {
        body: jsonBody({
          id: subject.deliveryId,
          action: 'push',
          target: { repository: image.slice(slash + 1), tag: 'sample' },
          request: { host: image.slice(0, slash), method: 'PUT' },
        }),
        headers: { 'content-type': 'application/json' },
      };
    },
    authenticate(_delivery, secret, options) {
      return headerSecret(options.header, secret);
    },
  },
};
