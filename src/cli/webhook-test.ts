/**
 * `tagpilot webhook test`: sends a sample delivery of a sender type, signed with a secret file
 * the way that sender signs, to a receiver URL and prints the answer — so users check their
 * secret, URL, Ingress and receiver configuration before the real sender does.
 * `tagpilot webhook url`: prints the secret URL path of a Docker Hub or Quay receiver.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { WEBHOOK_TYPES, type WebhookType } from '../config/index.js';
import { secretPath } from '../server/verify.js';
import { receiverType, type SampleSubject } from '../server/webhooks/index.js';
import type { CommandModule } from './commands.js';
import { UsageError } from './context.js';
import { EXIT } from './exit-codes.js';
import { readSecretFile, request, serverUrl, ServerRequestError } from './server-client.js';

interface TestOptions {
  readonly type: string;
  readonly secretFile: string;
  readonly url: string;
  readonly name?: string;
  readonly image?: string;
  readonly gitUrl?: string;
  readonly header: string;
}

const GIT_ONLY: ReadonlySet<WebhookType> = new Set(['gitlab', 'gitea', 'bitbucket']);
const BOTH: ReadonlySet<WebhookType> = new Set(['github', 'generic-hmac']);
const SAMPLE_IMAGE: Readonly<Partial<Record<WebhookType, string>>> = {
  dockerhub: 'docker.io/acme/app',
  quay: 'quay.io/acme/app',
  harbor: 'harbor.example.com/acme/app',
  acr: 'myregistry.azurecr.io/acme/app',
  ecr: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/app',
  distribution: 'registry.example.com:5000/acme/app',
  github: 'ghcr.io/acme/app',
  'generic-hmac': 'ghcr.io/acme/app',
};
const SAMPLE_GIT = 'https://git.example.com/acme/deploy.git';

function parseType(text: string): WebhookType {
  const type = WEBHOOK_TYPES.find((candidate) => candidate === text);
  if (type === undefined)
    throw new UsageError(
      `--type: ${JSON.stringify(text)} is not one of ${WEBHOOK_TYPES.join(', ')}`,
    );
  return type;
}

export function sampleSubject(
  type: WebhookType,
  options: Pick<TestOptions, 'image' | 'gitUrl'>,
): SampleSubject {
  const deliveryId = `tagpilot-webhook-test-${randomUUID()}`;
  const wantsGit =
    options.gitUrl !== undefined ||
    (options.image === undefined && (GIT_ONLY.has(type) || type === 'github'));
  if (wantsGit) {
    if (!GIT_ONLY.has(type) && !BOTH.has(type))
      throw new UsageError(
        `--git-url: a ${type} receiver names image repositories; pass --image instead`,
      );
    return { kind: 'git', gitUrl: options.gitUrl ?? SAMPLE_GIT, deliveryId };
  }
  if (GIT_ONLY.has(type))
    throw new UsageError(
      `--image: a ${type} receiver names Git repositories; pass --git-url instead`,
    );
  return {
    kind: 'image',
    image: options.image ?? SAMPLE_IMAGE[type] ?? 'ghcr.io/acme/app',
    deliveryId,
  };
}

export const webhookCommand: CommandModule = {
  register(program: Command, context, setExit) {
    const webhook = program
      .command('webhook')
      .description(
        'Check webhook receivers: send a signed sample delivery, or print a secret receiver URL.',
      );
    webhook
      .command('test')
      .description(
        'Send a sample delivery of a sender type, signed with a secret file, and print the answer.',
      )
      .requiredOption(
        '--type <type>',
        `sender type: ${WEBHOOK_TYPES.filter((t) => t !== 'gcr').join(', ')}`,
      )
      .requiredOption('--secret-file <file>', "file holding the receiver's secret")
      .requiredOption(
        '--url <url>',
        "the receiver URL as the sender calls it (with --name: the webhook port's base URL)",
      )
      .option(
        '--name <name>',
        'dockerhub and quay: the receiver name, to build its secret path from --url',
      )
      .option('--image <repository>', 'image repository the sample names, e.g. ghcr.io/acme/api')
      .option('--git-url <url>', 'Git repository the sample names (push senders)')
      .option(
        '--header <name>',
        'harbor, acr, ecr, distribution: the header carrying the secret',
        'Authorization',
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 the receiver accepted it (2xx), 1 refused or unreachable, 2 bad option.\n\nExamples:\n  $ tagpilot webhook test --type github --secret-file ./github-secret --url https://hooks.example.com/hook/github\n  $ tagpilot webhook test --type dockerhub --secret-file ./hub-secret --url https://hooks.example.com --name hub --image docker.io/acme/api\n  $ tagpilot webhook test --type ecr --secret-file ./ecr-key --header x-api-key --url http://127.0.0.1:9292/hook/ecr',
      )
      .action(async (options: TestOptions) => {
        const type = parseType(options.type);
        const kind = receiverType(type);
        if (kind.sender === undefined)
          throw new UsageError(
            `${type} deliveries carry a token only Google can sign; test with: gcloud pubsub topics publish gcr --message '{"action":"INSERT","tag":"gcr.io/PROJECT/IMAGE:test"}'`,
          );
        const secret = readSecretFile(options.secretFile, context.io.cwd, '--secret-file');
        let url = serverUrl(options.url, '--url');
        if (kind.addressing === 'secret-path') {
          if (options.name === undefined)
            throw new UsageError(
              `--name: a ${type} receiver lives at a secret path; give its name and the base --url`,
            );
          url = new URL(
            `hook/${secretPath(secret, options.name)}`,
            url.href.endsWith('/') ? url : `${url.href}/`,
          );
        }
        const sample = kind.sender.sample(sampleSubject(type, options));
        const auth = kind.sender.authenticate(sample, secret, {
          now: Date.now(),
          header: options.header,
        });
        const response = await request(url, {
          method: 'POST',
          headers: { ...sample.headers, ...auth },
          body: sample.body,
        });
        const shown = url.href.replace(/\/hook\/[0-9a-f]{64}$/, '/hook/<secret path>');
        context.io.stdout.write(
          `POST ${shown}\nHTTP ${response.status}\n${response.text}${response.text.endsWith('\n') ? '' : '\n'}`,
        );
        if (response.status < 200 || response.status > 299)
          throw new ServerRequestError(
            `the receiver refused the sample delivery (HTTP ${response.status})`,
          );
        setExit(EXIT.ok);
      });
    webhook
      .command('url')
      .description(
        'Print the secret URL path of a receiver whose sender cannot sign (dockerhub, quay).',
      )
      .requiredOption('--name <name>', 'the receiver name')
      .requiredOption('--secret-file <file>', "file holding the receiver's secret")
      .option('--base <url>', "the webhook port's public base URL", 'https://tagpilot.example.com')
      .addHelpText(
        'after',
        '\nExample:\n  $ tagpilot webhook url --name hub --secret-file ./hub-secret --base https://hooks.example.com',
      )
      .action((options: { name: string; secretFile: string; base: string }) => {
        const secret = readSecretFile(options.secretFile, context.io.cwd, '--secret-file');
        const base = serverUrl(options.base, '--base');
        const path = `hook/${secretPath(secret, options.name)}`;
        context.io.stdout.write(
          `${new URL(path, base.href.endsWith('/') ? base : `${base.href}/`).href}\n`,
        );
        setExit(EXIT.ok);
      });
    // main.ts routes output and usage errors for first-level commands; do the same one level down.
    for (const sub of webhook.commands) {
      sub
        .exitOverride()
        .showHelpAfterError('(run with --help for usage)')
        .configureOutput({
          writeOut: (text) => context.io.stdout.write(text),
          writeErr: (text) => context.io.stderr.write(text),
        });
    }
  },
};
