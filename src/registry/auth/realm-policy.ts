/**
 * Which token realms may receive a registry's credentials. A registry names its realm in its
 * challenge, so a hostile or compromised registry could name any host and harvest credentials
 * (issue 4 §2). Credentials go only to the registry's own host, to a known pair (Docker Hub's
 * registry → `auth.docker.io`), or to pairs the user configured; never downgraded to plain HTTP
 * when the registry itself is HTTPS. Pure.
 */

/** Registry host → realm hosts that are known to belong to it. */
export const KNOWN_REALM_PAIRS: Readonly<Record<string, readonly string[]>> = {
  'docker.io': ['auth.docker.io'],
  'registry-1.docker.io': ['auth.docker.io'],
};

export interface RealmCheck {
  /** host[:port] the request went to. */
  readonly endpointHost: string;
  /** Scheme the registry endpoint uses. */
  readonly endpointProtocol: string;
  /** Canonical registry host the credentials were issued for. */
  readonly credentialHost: string;
  /** User-configured pairs, registry host → realm hosts. */
  readonly configuredPairs?: Readonly<Record<string, readonly string[]>>;
}

export function realmMayReceiveCredentials(realm: URL, check: RealmCheck): boolean {
  if (check.endpointProtocol === 'https:' && realm.protocol !== 'https:') return false;
  const realmHost = realm.host.toLowerCase();
  if (realmHost === check.endpointHost.toLowerCase()) return true;
  for (const host of [check.endpointHost, check.credentialHost]) {
    const pairs = [...(KNOWN_REALM_PAIRS[host] ?? []), ...(check.configuredPairs?.[host] ?? [])];
    if (pairs.some((pair) => pair.toLowerCase() === realmHost)) return true;
  }
  return false;
}
