/**
 * CNCF Distribution (`registry:2`, Debian's `docker-registry`) notifications: an envelope
 * `{"events": [...]}` (media type `application/vnd.docker.distribution.events.v1+json`) POSTed
 * to each configured endpoint, with the endpoint's configured `headers` — which carry the shared
 * secret (distribution docs "Notifications", "Envelope"). Only manifest pushes trigger; blob
 * pushes, pulls and deletes are ignored. Each event has an id; a retried envelope repeats them.
 */
import { imageRepository, withRegistryHost } from '../image-name.js';
import type { TriggerSubject } from '../types.js';
import { headerSecret, headerSecretVerifier, ignored, invalid, triggers } from './common.js';
import { jsonBody, list, parseJson, text, type Json } from './json.js';
import type { ReceiverType } from './types.js';

export const DISTRIBUTION_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** A push of a manifest or index (not of a layer blob, which has no tag and a blob media type). */
function isManifestPush(event: Json): boolean {
  if (text(event, 'action') !== 'push') return false;
  const mediaType = text(event, 'target', 'mediaType') ?? '';
  return text(event, 'target', 'tag') !== undefined || /manifest|index/.test(mediaType);
}

export const distribution: ReceiverType = {
  type: 'distribution',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    return {
      verify: headerSecretVerifier(context),
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const events = list(payload, 'events');
        if (events.length === 0) return invalid('no "events" in the envelope');
        const pushes = events.filter(isManifestPush);
        if (pushes.length === 0) return ignored('no manifest push in the envelope');
        const subjects: (TriggerSubject | undefined)[] = pushes.map((event) => {
          const host = text(event, 'request', 'host');
          const repository = text(event, 'target', 'repository');
          if (host === undefined || repository === undefined) return undefined;
          const image = imageRepository(host, repository);
          return image === undefined
            ? undefined
            : withRegistryHost(image, context.config.registryHost);
        });
        const unique = new Map(
          subjects.flatMap((subject) =>
            subject?.kind === 'image' ? [[subject.name, subject] as const] : [],
          ),
        );
        const ids = pushes.map((event) => text(event, 'id') ?? '').join(',');
        return triggers([...unique.values()], ids === '' ? undefined : ids, 'pushed repository');
      },
    };
  },
  sender: {
    sample(subject) {
      const image = subject.kind === 'image' ? subject.image : '';
      const slash = image.indexOf('/');
      return {
        body: jsonBody({
          events: [
            {
              id: subject.deliveryId,
              timestamp: new Date(0).toISOString(),
              action: 'push',
              target: {
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
                repository: image.slice(slash + 1),
                tag: 'sample',
              },
              request: { host: image.slice(0, slash), method: 'PUT' },
            },
          ],
        }),
        headers: { 'content-type': DISTRIBUTION_MEDIA_TYPE },
      };
    },
    authenticate(_delivery, secret, options) {
      return headerSecret(options.header, secret);
    },
  },
};
