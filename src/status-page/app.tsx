/** The page's frame: header, tabs (in the URL's fragment), the problem banner and the tab. */
import { useEffect, useState } from 'preact/hooks';
import { Banner, problemsOf } from './banner.js';
import { useStatusFeed } from './feed.js';
import { Overview } from './overview.js';
import { Registries } from './registries.js';
import { formatHash, parseHash, TABS, type Route, type Tab } from './route.js';
import { When } from './time.js';
import { Workloads } from './workloads.js';

const TITLES: Readonly<Record<Tab, string>> = {
  overview: 'Overview',
  workloads: 'Workloads',
  registries: 'Registries',
};

function useRoute(): [Route, (route: Route, push?: boolean) => void] {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onHash = (): void => {
      setRoute(parseHash(location.hash));
    };
    addEventListener('hashchange', onHash);
    return () => {
      removeEventListener('hashchange', onHash);
    };
  }, []);
  const go = (next: Route, push = false): void => {
    const hash = formatHash(next);
    // Typing in a filter replaces the entry; opening a panel adds one (Back closes it).
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
    setRoute(next);
  };
  return [route, go];
}

export function App() {
  const feed = useStatusFeed();
  const [route, go] = useRoute();
  const { report } = feed;
  const now = Date.now() - feed.skewMs;
  useEffect(() => {
    document.title = `${TITLES[route.tab]} · tagpilot`;
  }, [route.tab]);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <h1>tagpilot</h1>
        <p class="muted">
          {report === undefined ? (
            'Loading the status…'
          ) : (
            <>
              controller {report.controller.version}
              {report.controller.replica !== null && ` · ${report.controller.replica}`} ·{' '}
              {report.controller.ready ? 'ready' : 'not ready'} · updated{' '}
              <When at={report.generatedAt} now={now} />
            </>
          )}
        </p>
        <nav aria-label="Sections">
          <ul>
            {TABS.map((tab) => (
              <li key={tab}>
                <a
                  href={formatHash({ tab, params: {} })}
                  aria-current={route.tab === tab ? 'page' : undefined}
                >
                  {TITLES[tab]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Banner items={problemsOf(report, feed.error)} />
        {report !== undefined && route.tab === 'overview' && <Overview report={report} now={now} />}
        {report !== undefined && route.tab === 'workloads' && (
          <Workloads
            report={report}
            params={route.params}
            navigate={(params, push) => {
              go({ tab: 'workloads', params }, push);
            }}
          />
        )}
        {report !== undefined && route.tab === 'registries' && <Registries report={report} />}
      </main>
    </>
  );
}
