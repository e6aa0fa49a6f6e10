/**
 * Platform strings (`os/arch[/variant]`, as in `docker --platform`) and the choice of an index
 * entry for a wanted platform (image-spec image-index.md `platform`). Pure.
 */
import type { Platform } from './schema.js';

export const DEFAULT_PLATFORMS: readonly string[] = ['linux/amd64'];

export function platformString(platform: Platform): string {
  return platform.variant === undefined || platform.variant === ''
    ? `${platform.os}/${platform.architecture}`
    : `${platform.os}/${platform.architecture}/${platform.variant}`;
}

/** True when an entry for `have` runs on `wanted`; a wanted without variant takes any variant. */
export function platformMatches(wanted: string, have: string): boolean {
  const [wantOs, wantArch, wantVariant] = wanted.toLowerCase().split('/');
  const [haveOs, haveArch, haveVariant] = have.toLowerCase().split('/');
  if (wantOs !== haveOs || wantArch !== haveArch) return false;
  return wantVariant === undefined || wantVariant === haveVariant;
}

/** The digest of the entry for `wanted` among `platforms` (platform string → digest). */
export function chooseEntry(
  platforms: Readonly<Record<string, string>>,
  wanted: string,
): string | undefined {
  const exact = platforms[wanted];
  if (exact !== undefined) return exact;
  for (const [have, digest] of Object.entries(platforms))
    if (platformMatches(wanted, have)) return digest;
  return undefined;
}
