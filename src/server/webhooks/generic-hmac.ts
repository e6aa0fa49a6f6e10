/**
 * tagpilot's own format, for CI pipelines and registries without a receiver of their own:
 * a JSON body `{"images": ["registry/repository", ...], "gitRepositories": ["https://...", ...]}`
 * (either list may be missing) signed with HMAC-SHA256 of the body in
 * `X-Tagpilot-Signature-256: sha256=<hex>`; an optional delivery id in `X-Tagpilot-Delivery`.
 * docs/webhooks.md shows how to send one with `openssl` and `curl`.
 */
import { imageRepositoryOf } from '../image-name.js';
import { hmacSha256 } from '../verify.js';
import { gitSubject, header, hexHmacVerifier, invalid, triggers } from './common.js';
import { jsonBody, list, parseJson } from './json.js';
import type { ReceiverType } from './types.js';

export const SIGNATURE_HEADER = 'x-tagpilot-signature-256';
export const DELIVERY_HEADER = 'x-tagpilot-delivery';

export const genericHmac: ReceiverType = {
  type: 'generic-hmac',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    return {
      verify: hexHmacVerifier(context, [SIGNATURE_HEADER], 'sha256='),
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const images = list(payload, 'images').map((image) =>
          typeof image === 'string' ? imageRepositoryOf(image) : undefined,
        );
        const urls = list(payload, 'gitRepositories').map((url) =>
          typeof url === 'string' ? gitSubject([url]) : undefined,
        );
        return triggers(
          [...images, ...urls],
          header(delivery, DELIVERY_HEADER),
          'entry in "images" or "gitRepositories"',
        );
      },
    };
  },
  sender: {
    sample(subject) {
      return {
        body: jsonBody(
          subject.kind === 'image'
            ? { images: [subject.image] }
            : { gitRepositories: [subject.gitUrl] },
        ),
        headers: { 'content-type': 'application/json', [DELIVERY_HEADER]: subject.deliveryId },
      };
    },
    authenticate(delivery, secret) {
      return { [SIGNATURE_HEADER]: `sha256=${hmacSha256(secret, delivery.body).toString('hex')}` };
    },
  },
};
