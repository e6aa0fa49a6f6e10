/**
 * One interface for every webhook sender (one file each, as argocd-image-updater's
 * `RegistryWebhook` and Flux's receivers do). A sender file says how its deliveries are
 * verified — on the raw bytes, before anything is parsed — and what a verified delivery names.
 * It also carries the sender's side (a sample payload and its signing) for
 * `tagpilot webhook test` and the tests.
 */
import type { WebhookReceiverConfig, WebhookType } from '../../config/index.js';
import type { TriggerSubject } from '../types.js';

/** A delivery as it arrived: lower-case header names, the raw body. */
export interface RawDelivery {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** What a verified delivery means. */
export type Interpretation =
  | {
      readonly kind: 'subjects';
      readonly subjects: readonly TriggerSubject[];
      readonly deliveryId: string | undefined;
    }
  /** An event type that never triggers (ping, pull, delete, tag events, ...): 202. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Verified but not what the sender documents: 400. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** A secret that may change while running (secret-file.ts). */
export interface SecretSource {
  value(): Promise<string>;
}

export interface ReceiverContext {
  readonly config: WebhookReceiverConfig;
  /** `secretFile`, when configured. */
  readonly secret: SecretSource | undefined;
  /** gitlab's `signingTokenFile`, when configured. */
  readonly signingToken: SecretSource | undefined;
  readonly now: () => number;
  /** gcr: clock difference accepted on token times. */
  readonly clockSkewMs: number;
  readonly fetch: typeof fetch;
}

/** A configured receiver, ready for deliveries. */
export interface Receiver {
  /** Constant-time verification of the raw delivery; runs before the body is parsed. */
  verify(delivery: RawDelivery): Promise<boolean>;
  /** Reads a verified delivery. */
  interpret(delivery: RawDelivery): Interpretation;
}

/** What `tagpilot webhook test` and the tests send: an image repository or a Git repository. */
export type SampleSubject =
  | {
      readonly kind: 'image';
      /** `registry/repository`, e.g. `ghcr.io/acme/api`. */
      readonly image: string;
      readonly deliveryId: string;
    }
  | {
      readonly kind: 'git';
      /** A clone URL, e.g. `https://github.com/acme/deploy.git`. */
      readonly gitUrl: string;
      readonly deliveryId: string;
    };

export interface SampleDelivery {
  readonly body: Buffer;
  /** Content type and event headers, without authentication. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface AuthenticateOptions {
  readonly now: number;
  /** The receiver's `header` setting (header-secret senders). */
  readonly header: string;
}

/** The sender's side of a receiver type. */
export interface SenderSide {
  sample(subject: SampleSubject): SampleDelivery;
  /** Headers that authenticate `delivery` with `secret` (none for secret-path senders). */
  authenticate(
    delivery: SampleDelivery,
    secret: string,
    options: AuthenticateOptions,
  ): Record<string, string>;
}

export interface ReceiverType {
  readonly type: WebhookType;
  /** Git push senders (their payloads list commits) get the larger body cap. */
  readonly bodyCap: 'git-push' | 'default';
  /**
   * `secret-path`: the sender cannot sign (Docker Hub, Quay), so the receiver lives at
   * `/hook/<sha256(secret + name)>`; `name`: at `/hook/<name>`, verified per delivery.
   */
  readonly addressing: 'name' | 'secret-path';
  create(context: ReceiverContext): Receiver;
  /** Undefined when no one but the real sender can sign (gcr: Google's OIDC tokens). */
  readonly sender: SenderSide | undefined;
}
