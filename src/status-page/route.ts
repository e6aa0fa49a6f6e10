/**
 * The page's place, kept in the URL's fragment so reloads, links and the back button work with a
 * server that serves one document: `#/workloads?state=held&slot=<slot id>`.
 */

export const TABS = ['overview', 'workloads', 'registries'] as const;
export type Tab = (typeof TABS)[number];

export interface Route {
  readonly tab: Tab;
  /** Filters and the open explain panel (`q`, `repository`, `namespace`, `state`, `image`, `slot`). */
  readonly params: Readonly<Record<string, string>>;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const question = body.indexOf('?');
  const name = question < 0 ? body : body.slice(0, question);
  const tab = (TABS as readonly string[]).includes(name) ? (name as Tab) : 'overview';
  const params: Record<string, string> = {};
  if (question >= 0)
    for (const [key, value] of new URLSearchParams(body.slice(question + 1)))
      if (value !== '') params[key] = value;
  return { tab, params };
}

export function formatHash(route: Route): string {
  const query = new URLSearchParams(
    Object.entries(route.params).filter(([, value]) => value !== ''),
  ).toString();
  return `#/${route.tab}${query === '' ? '' : `?${query}`}`;
}
