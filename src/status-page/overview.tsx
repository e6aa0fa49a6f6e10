/** Overview: per Git repository, its last cycle, what is due, what it committed and how fast. */
import type { RepositoryStatus, StatusReport } from '../server/status-schema.js';
import { WORKLOAD_STATUS_STATES } from '../server/status-constants.js';
import { Badge } from './badge.js';
import { duration, safeHref, shortSha } from './format.js';
import { LatencyChart } from './latency-chart.js';
import { formatHash } from './route.js';
import { When } from './time.js';

export function Overview({ report, now }: { report: StatusReport; now: number }) {
  if (report.repositories.length === 0)
    return <p>This controller has no Git repositories configured.</p>;
  return (
    <>
      {report.repositories.map((repository, index) => (
        <Repository key={repository.name} repository={repository} index={index} now={now} />
      ))}
    </>
  );
}

function LastCycle({ repository, now }: { repository: RepositoryStatus; now: number }) {
  const last = repository.cycles[0];
  if (last === undefined) return <span class="muted">none yet</span>;
  return (
    <>
      <Badge value={last.result} /> by {last.trigger.replaceAll('_', ' ')},{' '}
      <When at={last.finishedAt ?? last.startedAt} now={now} />
      {last.durationMs === null ? ' (running)' : `, took ${duration(last.durationMs)}`}
    </>
  );
}

function WorkloadCounts({ repository }: { repository: RepositoryStatus }) {
  const counts = WORKLOAD_STATUS_STATES.map(
    (state) => [state, repository.workloads.filter((w) => w.state === state).length] as const,
  ).filter(([, count]) => count > 0);
  if (counts.length === 0) return <span class="muted">none found</span>;
  return (
    <>
      {counts.map(([state, count], i) => (
        <span key={state}>
          {i > 0 && ' · '}
          <a
            href={formatHash({ tab: 'workloads', params: { state, repository: repository.name } })}
          >
            {count} {state}
          </a>
        </span>
      ))}
    </>
  );
}

function Repository({
  repository: r,
  index,
  now,
}: {
  repository: RepositoryStatus;
  index: number;
  now: number;
}) {
  const title = `repository-${index}`;
  return (
    <section class="card" aria-labelledby={title}>
      <h2 id={title}>
        {r.name} <Badge value={r.suspended ? 'suspended' : r.state} />
      </h2>
      <p class="muted wrap">
        {r.url} · branch {r.branch}
        {r.pushBranch !== null && ` → pushes to ${r.pushBranch}`}
        {!r.owned && ' · owned by another replica'}
      </p>
      <dl class="facts">
        <div>
          <dt>Last cycle</dt>
          <dd>
            <LastCycle repository={r} now={now} />
          </dd>
        </div>
        <div>
          <dt>Next due</dt>
          <dd>
            {r.nextDueAt === null ? (
              <span class="muted">not scheduled</span>
            ) : (
              <When at={r.nextDueAt} now={now} />
            )}
            {r.pending.length > 0 && ` (queued: ${r.pending.join(', ').replaceAll('_', ' ')})`}
          </dd>
        </div>
        <div>
          <dt>Last success</dt>
          <dd>
            <When at={r.lastSuccessAt} now={now} />
          </dd>
        </div>
        <div>
          <dt>Updates</dt>
          <dd>
            {r.updatesToday} today · {r.updatesThisWeek} this week
          </dd>
        </div>
        <div>
          <dt>Workloads</dt>
          <dd>
            <WorkloadCounts repository={r} />
          </dd>
        </div>
      </dl>
      <LatencyChart commits={r.commits} label={r.name} />
      <h3>Last commits</h3>
      {r.commits.length === 0 ? (
        <p class="muted">tagpilot has not pushed a commit here yet.</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-label={`Last commits of ${r.name}`}>
          <table class="commits">
            <thead>
              <tr>
                <th scope="col">Commit</th>
                <th scope="col">Subject</th>
                <th scope="col">When</th>
                <th scope="col">Trigger to commit</th>
              </tr>
            </thead>
            <tbody>
              {r.commits.map((commit) => {
                const href = safeHref(commit.url);
                return (
                  <tr key={commit.sha}>
                    <td class="mono">
                      {href === undefined ? (
                        shortSha(commit.sha)
                      ) : (
                        <a href={href} rel="noopener noreferrer" target="_blank">
                          {shortSha(commit.sha)}
                        </a>
                      )}
                    </td>
                    <td class="prose">{commit.subject}</td>
                    <td>
                      <When at={commit.at} now={now} />
                    </td>
                    <td>
                      {typeof commit.latencyMs === 'number' ? duration(commit.latencyMs) : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
