/**
 * Harbor project webhooks (goharbor.io "Configure Webhook Notifications"), in the Default format
 * (`type: PUSH_ARTIFACT`, `event_data.resources[].resource_url`; Harbor 1.x `pushImage`) and the
 * CloudEvents format (`type: harbor.artifact.pushed`, `data`). The secret is the policy's
 * "Auth Header", sent verbatim as `Authorization`.
 */
import { imageRepository, imageRepositoryOf, withRegistryHost } from '../image-name.js';
import type { TriggerSubject } from '../types.js';
import { headerSecret, headerSecretVerifier, ignored, invalid, triggers } from './common.js';
import { at, jsonBody, list, parseJson, text } from './json.js';
import type { ReceiverType } from './types.js';

const PUSH_TYPES = new Set(['PUSH_ARTIFACT', 'pushImage', 'harbor.artifact.pushed']);

export const harbor: ReceiverType = {
  type: 'harbor',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    const host = context.config.registryHost;
    return {
      verify: headerSecretVerifier(context),
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const cloudEvent = text(payload, 'specversion') !== undefined;
        const type = text(payload, 'type');
        if (type === undefined || !PUSH_TYPES.has(type))
          return ignored(`event ${type ?? 'unknown'}`);
        const data = cloudEvent ? at(payload, 'data') : at(payload, 'event_data');
        const fromUrls = list(data, 'resources').map((resource) => {
          const url = text(resource, 'resource_url');
          const image = url === undefined ? undefined : imageRepositoryOf(url);
          return image === undefined ? undefined : withRegistryHost(image, host);
        });
        const fullName = text(data, 'repository', 'repo_full_name');
        const fallback =
          host !== undefined && fullName !== undefined
            ? imageRepository(host, fullName)
            : undefined;
        const unique = new Map<string, TriggerSubject>();
        for (const image of [...fromUrls, fallback])
          if (image !== undefined) unique.set(image.name, image);
        return triggers(
          [...unique.values()],
          cloudEvent ? text(payload, 'id') : undefined,
          'resource_url',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      const image = subject.kind === 'image' ? subject.image : '';
      return {
        body: jsonBody({
          specversion: '1.0',
          id: subject.deliveryId,
          type: 'harbor.artifact.pushed',
          data: {
            resources: [{ tag: 'sample', resource_url: `${image}:sample` }],
            repository: { repo_full_name: image.split('/').slice(1).join('/') },
          },
        }),
        headers: { 'content-type': 'application/json' },
      };
    },
    authenticate(_delivery, secret, options) {
      return headerSecret(options.header, secret);
    },
  },
};
