/**
 * Amazon ECR through an EventBridge API destination (AWS docs "Amazon ECR events and
 * EventBridge"): the rule's target POSTs either EventBridge's own envelope (`source: aws.ecr`,
 * `detail-type: ECR Image Action`, `detail.action-type: PUSH`, `detail.result: SUCCESS`) or a
 * CloudEvents 1.0 JSON body (`specversion`, `id`, `source: aws.ecr`) whose `data` is that
 * envelope — or its `detail`, with `account` and `region` as CloudEvents extension attributes.
 * The secret is the API destination connection's API-key header value.
 */
import { imageRepository } from '../image-name.js';
import type { ImageRepositoryTrigger } from '../types.js';
import { headerSecret, headerSecretVerifier, ignored, invalid, triggers } from './common.js';
import { at, jsonBody, parseJson, text, type Json } from './json.js';
import type { ReceiverType } from './types.js';

/** `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in the China regions). */
export function ecrHost(account: string, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${suffix}`;
}

interface EcrEvent {
  readonly envelope: Json | undefined;
  readonly detail: Json | undefined;
  readonly account: string | undefined;
  readonly region: string | undefined;
  readonly id: string | undefined;
}

function unwrap(payload: Json): EcrEvent | undefined {
  if (text(payload, 'specversion') !== undefined) {
    const data = at(payload, 'data');
    const inner = at(data, 'detail') === undefined ? undefined : data;
    return {
      envelope: inner ?? payload,
      detail: inner === undefined ? data : at(inner, 'detail'),
      account: text(inner, 'account') ?? text(payload, 'account'),
      region: text(inner, 'region') ?? text(payload, 'region'),
      id: text(payload, 'id'),
    };
  }
  if (text(payload, 'detail-type') === undefined) return undefined;
  return {
    envelope: payload,
    detail: at(payload, 'detail'),
    account: text(payload, 'account'),
    region: text(payload, 'region'),
    id: text(payload, 'id'),
  };
}

export const ecr: ReceiverType = {
  type: 'ecr',
  bodyCap: 'default',
  addressing: 'name',
  create(context) {
    return {
      verify: headerSecretVerifier(context),
      interpret(delivery) {
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        const event = unwrap(payload);
        if (event === undefined)
          return invalid('neither an EventBridge event nor a CloudEvents body');
        if (text(event.envelope, 'source') !== 'aws.ecr') return ignored('source is not aws.ecr');
        const detailType = text(event.envelope, 'detail-type');
        if (detailType !== undefined && detailType !== 'ECR Image Action')
          return ignored(`detail-type ${detailType}`);
        const action = text(event.detail, 'action-type');
        const result = text(event.detail, 'result');
        if (action !== 'PUSH' || result !== 'SUCCESS')
          return ignored(`action ${action ?? 'unknown'} ${result ?? ''}`.trim());
        const name = text(event.detail, 'repository-name');
        const host =
          context.config.registryHost ??
          (event.account === undefined || event.region === undefined
            ? undefined
            : ecrHost(event.account, event.region));
        const image: ImageRepositoryTrigger | undefined =
          host === undefined || name === undefined ? undefined : imageRepository(host, name);
        return triggers([image], event.id, 'repository-name with account and region');
      },
    };
  },
  sender: {
    sample(subject) {
      const image = subject.kind === 'image' ? subject.image : '';
      const [host = '', ...path] = image.split('/');
      const [account = '', , , region = ''] = host.split('.');
      return {
        body: jsonBody({
          version: '0',
          id: subject.deliveryId,
          'detail-type': 'ECR Image Action',
          source: 'aws.ecr',
          account,
          region,
          detail: {
            result: 'SUCCESS',
            'repository-name': path.join('/'),
            'action-type': 'PUSH',
            'image-tag': 'sample',
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
