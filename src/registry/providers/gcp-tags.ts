/**
 * Google's extension of the tag list: GCR and Artifact Registry add a `manifest` map to the
 * `GET /v2/<name>/tags/list` answer, keyed by digest, with the digest's `tag[]`,
 * `timeUploadedMs` and `timeCreatedMs` as decimal strings (go-containerregistry
 * `pkg/v1/google/list.go` reads the same fields). On Artifact Registry `timeCreatedMs` is "0",
 * so upload time is preferred. Pure: the core hands in a page body it already fetched, and gets
 * push times and digests for every tag on it without one request more.
 */
import { z } from 'zod';
import type { BulkMetadata } from './types.js';

const manifestEntrySchema = z.looseObject({
  tag: z.array(z.string()).optional(),
  timeUploadedMs: z.string().optional(),
  timeCreatedMs: z.string().optional(),
});
const googleTagListSchema = z.looseObject({
  manifest: z.record(z.string(), manifestEntrySchema).optional(),
});

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Digest and push time per tag from one tag list page; empty when the page has no extension. */
export function googleTagListMetadata(body: unknown): BulkMetadata {
  const out = new Map<string, { digest?: string; pushed?: number }>();
  const parsed = googleTagListSchema.safeParse(body);
  if (!parsed.success || parsed.data.manifest === undefined) return out;
  for (const [digest, entry] of Object.entries(parsed.data.manifest)) {
    if (!DIGEST.test(digest)) continue;
    const pushed = positiveMs(entry.timeUploadedMs) ?? positiveMs(entry.timeCreatedMs);
    for (const tag of entry.tag ?? []) {
      out.set(tag, pushed === undefined ? { digest } : { digest, pushed });
    }
  }
  return out;
}

function positiveMs(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 ? value : undefined;
}
