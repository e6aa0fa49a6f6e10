/**
 * Quay (quay.io and Red Hat Quay) "Repository Push" notifications with the webhook method
 * (Red Hat Quay docs "Repository notifications"): `docker_url` names the repository. Quay
 * cannot sign, so the receiver lives at a secret URL path. Build events also carry
 * `docker_url`; they have a `build_id` and are ignored.
 */
import { imageRepositoryOf, withRegistryHost } from '../image-name.js';
import { ignored, invalid, triggers, verifiedByPath } from './common.js';
import { at, jsonBody, parseJson, text } from './json.js';
import type { ReceiverType } from './types.js';

export const quay: ReceiverType = {
  type: 'quay',
  bodyCap: 'default',
  addressing: 'secret-path',
  create(context) {
    return {
      verify: verifiedByPath,
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        if (at(payload, 'build_id') !== undefined) return ignored('a build event');
        const url = text(payload, 'docker_url');
        const image = url === undefined ? undefined : imageRepositoryOf(url);
        return triggers(
          [image === undefined ? undefined : withRegistryHost(image, context.config.registryHost)],
          undefined,
          'docker_url',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const image = subject.kind === 'image' ? subject.image : '';
      return {
        body: jsonBody({
          repository: image.split('/').slice(1).join('/'),
          docker_url: image,
          updated_tags: ['sample'],
        }),
        headers: { 'content-type': 'application/json' },
      };
    },
    authenticate() {
      return {};
    },
  },
};
