/** Registries: the same per-host figures the metrics export (requests, 304s, throttling, quota). */
import type { StatusReport } from '../server/status-schema.js';

function share(part: number, whole: number): string {
  return whole === 0 ? '' : ` (${Math.round((part / whole) * 100)} %)`;
}

export function Registries({ report }: { report: StatusReport }) {
  return (
    <>
      <h2>Registries</h2>
      {report.registries.length === 0 ? (
        <p class="muted">No registry has been asked anything yet.</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-labelledby="registries-caption">
          <table class="registries">
            <caption id="registries-caption">
              Requests since the controller started, per registry host
            </caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col" class="num">
                  Requests
                </th>
                <th scope="col" class="num">
                  Not modified (304)
                </th>
                <th scope="col" class="num">
                  Throttled
                </th>
                <th scope="col" class="num">
                  Pull quota left
                </th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {report.registries.map((r) => (
                <tr key={r.host}>
                  <th scope="row">{r.host}</th>
                  <td class="num">{r.requests}</td>
                  <td class="num">
                    {r.notModified}
                    {share(r.notModified, r.requests)}
                  </td>
                  <td class="num">{r.throttled}</td>
                  <td class="num">{r.quotaRemaining ?? '—'}</td>
                  <td class="prose">
                    {r.lastError === null ? (
                      <span class="muted">none</span>
                    ) : (
                      `${r.lastError.message} (${r.lastError.code})`
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
