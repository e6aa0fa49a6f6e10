/**
 * Docker Hub repository webhooks: a push to `repository.repo_name` (docs.docker.com "Docker Hub
 * webhooks", example payload). Docker Hub cannot sign or add headers, so the receiver lives at a
 * secret URL path (`/hook/<sha256(secret + name)>`); there is no event type and no delivery id.
 */
import { imageRepository } from '../image-name.js';
import { invalid, triggers, verifiedByPath } from './common.js';
import { jsonBody, parseJson, text } from './json.js';
import type { ReceiverType } from './types.js';

export const dockerhub: ReceiverType = {
  type: 'dockerhub',
  bodyCap: 'default',
  addressing: 'secret-path',
  create(context) {
    return {
      verify: verifiedByPath,
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const name = text(payload, 'repository', 'repo_name');
        const host = context.config.registryHost ?? 'docker.io';
        return triggers(
          [name === undefined ? undefined : imageRepository(host, name)],
          undefined,
          'repository.repo_name',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const name = subject.kind === 'image' ? subject.image.replace(/^docker\.io\//, '') : '';
      return {
        body: jsonBody({
          push_data: { pushed_at: 0, pusher: 'tagpilot-webhook-test', tag: 'sample' },
          repository: { repo_name: name, namespace: name.split('/')[0], name: name.split('/')[1] },
        }),
        headers: { 'content-type': 'application/json' },
      };
    },
    authenticate() {
      return {};
    },
  },
};
