/**
 * Everything failing now, on every tab: the feed itself, the controller, each repository's
 * problems and each registry's last error.
 */
import type { StatusReport } from '../server/status-schema.js';

interface Item {
  readonly key: string;
  readonly where: string;
  readonly text: string;
}

export function problemsOf(
  report: StatusReport | undefined,
  feedError: string | undefined,
): Item[] {
  const items: Item[] = [];
  if (feedError !== undefined) items.push({ key: 'feed', where: 'Status page', text: feedError });
  if (report === undefined) return items;
  if (report.controller.shuttingDown)
    items.push({ key: 'stopping', where: 'Controller', text: 'shutting down' });
  report.repositories.forEach((repository, r) => {
    if (repository.suspended)
      items.push({ key: `s${r}`, where: repository.name, text: 'automation suspended' });
    repository.problems.forEach((problem, p) =>
      items.push({
        key: `r${r}.${p}`,
        where: repository.name,
        text: `${problem.message} (${problem.code}${problem.transient ? ', retrying' : ''})`,
      }),
    );
  });
  report.registries.forEach((registry, g) => {
    if (registry.lastError !== null)
      items.push({
        key: `g${g}`,
        where: registry.host,
        text: `${registry.lastError.message} (${registry.lastError.code})`,
      });
  });
  return items;
}

export function Banner({ items }: { items: readonly Item[] }) {
  if (items.length === 0) return null;
  return (
    <section class="banner" aria-labelledby="banner-title">
      <h2 id="banner-title">Needs attention</h2>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <strong>{item.where}</strong>: {item.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
