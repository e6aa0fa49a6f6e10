/**
 * GitHub: `push` (a Git repository), `package` and the organisation-level `registry_package`
 * (a container package on GHCR). Signed with HMAC-SHA256 of the body in `X-Hub-Signature-256:
 * sha256=<hex>`; the event in `X-GitHub-Event`, the delivery id in `X-GitHub-Delivery` (GitHub's
 * "Redeliver" keeps it). docs.github.com "Webhook events and payloads", "Validating webhook
 * deliveries".
 */
import { imageRepository, imageRepositoryOf } from '../image-name.js';
import type { ImageRepositoryTrigger } from '../types.js';
import { hmacSha256 } from '../verify.js';
import { gitSubject, header, hexHmacVerifier, ignored, invalid, triggers } from './common.js';
import { at, jsonBody, parseJson, text, type Json } from './json.js';
import type { ReceiverType } from './types.js';

const PACKAGE_EVENTS = new Set(['package', 'registry_package']);
const PACKAGE_ACTIONS = new Set(['published', 'updated']);

/**
 * GitHub's own example marks a container package with `ecosystem: docker` and
 * `registry.type: CONTAINER` while `package_type` says `npm`; any of the signs counts.
 */
function isContainer(pkg: Json | undefined): boolean {
  const signs = [
    text(pkg, 'package_type'),
    text(pkg, 'ecosystem'),
    text(pkg, 'registry', 'type'),
  ].map((value) => value?.toLowerCase());
  const url = text(pkg, 'package_version', 'package_url') ?? '';
  return signs.includes('container') || signs.includes('docker') || url.startsWith('ghcr.io/');
}

function containerImage(pkg: Json | undefined): ImageRepositoryTrigger | undefined {
  const url = text(pkg, 'package_version', 'package_url');
  // `package_url` is `ghcr.io/<owner>/<name>:<tag>` (the tag may be empty): only the name counts.
  const fromUrl = url === undefined ? undefined : imageRepositoryOf(url.replace(/:$/, ''));
  if (fromUrl !== undefined) return fromUrl;
  const owner = text(pkg, 'namespace') ?? text(pkg, 'owner', 'login');
  const name = text(pkg, 'name');
  if (owner === undefined || name === undefined) return undefined;
  return imageRepository('ghcr.io', `${owner}/${decodeURIComponent(name)}`.toLowerCase());
}

export const github: ReceiverType = {
  type: 'github',
  bodyCap: 'git-push',
  addressing: 'name',
  create(context) {
    return {
      verify: hexHmacVerifier(context, ['x-hub-signature-256'], 'sha256='),
      interpret(delivery) {
        const event = header(delivery, 'x-github-event');
        const id = header(delivery, 'x-github-delivery');
        if (event === undefined) return invalid('no X-GitHub-Event header');
        if (event !== 'push' && !PACKAGE_EVENTS.has(event)) return ignored(`event ${event}`);
        const payload = parseJson(delivery.body);
        if (payload === undefined) return invalid('body is not JSON');
        if (event === 'push') {
          const repo = (key: string): string | undefined => text(payload, 'repository', key);
          return triggers(
            [gitSubject([repo('clone_url'), repo('ssh_url'), repo('git_url'), repo('html_url')])],
            id,
            'repository URL',
          );
        }
        const action = text(payload, 'action');
        if (action === undefined || !PACKAGE_ACTIONS.has(action))
          return ignored(`action ${action}`);
        const pkg = at(payload, event === 'package' ? 'package' : 'registry_package');
        if (!isContainer(pkg))
          return ignored(`package type ${text(pkg, 'package_type') ?? 'unknown'}`);
        return triggers([containerImage(pkg)], id, 'container package');
      },
    };
  },
  sender: {
    sample(subject) {
      const body =
        subject.kind === 'git'
          ? jsonBody({
              ref: 'refs/heads/main',
              repository: { clone_url: subject.gitUrl },
            })
          : jsonBody({
              action: 'published',
              package: {
                name: subject.image.split('/').slice(2).join('/'),
                namespace: subject.image.split('/')[1],
                package_type: 'CONTAINER',
                package_version: { package_url: `${subject.image}:sample` },
              },
            });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': subject.kind === 'git' ? 'push' : 'package',
          'x-github-delivery': subject.deliveryId,
        },
      };
    },
    authenticate(delivery, secret) {
      return {
        'x-hub-signature-256': `sha256=${hmacSha256(secret, delivery.body).toString('hex')}`,
      };
    },
  },
};
