/** Every receiver type, by the `type` a receiver is configured with. */
import type { WebhookType } from '../../config/index.js';
import { acr } from './acr.js';
import { bitbucket } from './bitbucket.js';
import { distribution } from './distribution.js';
import { dockerhub } from './dockerhub.js';
import { ecr } from './ecr.js';
import { gcr } from './gcr.js';
import { genericHmac } from './generic-hmac.js';
import { gitea } from './gitea.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { harbor } from './harbor.js';
import { quay } from './quay.js';
import type { ReceiverType } from './types.js';

export const RECEIVER_TYPES: Readonly<Record<WebhookType, ReceiverType>> = {
  dockerhub,
  github,
  gitlab,
  gitea,
  bitbucket,
  quay,
  harbor,
  acr,
  gcr,
  ecr,
  distribution,
  'generic-hmac': genericHmac,
};

export function receiverType(type: WebhookType): ReceiverType {
  return RECEIVER_TYPES[type];
}

export type * from './types.js';
