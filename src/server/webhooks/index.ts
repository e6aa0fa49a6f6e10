/** Every receiver type, by the `type` a receiver is configured with. */
import type { WebhookType } from '../../config/index.js';
import { distribution } from './distribution.js';
import { dockerhub } from './dockerhub.js';
import { genericHmac } from './generic-hmac.js';
import { github } from './github.js';
import type { ReceiverType } from './types.js';

export const RECEIVER_TYPES: Readonly<Partial<Record<WebhookType, ReceiverType>>> = {
  dockerhub,
  github,
  distribution,
  'generic-hmac': genericHmac,
};

export function receiverType(type: WebhookType): ReceiverType | undefined {
  return RECEIVER_TYPES[type];
}

export type * from './types.js';
