/**
 * Workloads: one row per image slot, searchable and filterable (the filters live in the URL);
 * a row's workload button opens its explanation.
 */
import type { StatusReport } from '../server/status-schema.js';
import { WORKLOAD_STATUS_STATES } from '../server/status-constants.js';
import { Badge, StateDetail } from './badge.js';
import { ExplainDialog } from './explain.js';
import { filterChoices, filterRows, workloadRows, type WorkloadRow } from './workload-filter.js';

type Params = Readonly<Record<string, string>>;

export interface WorkloadsProps {
  readonly report: StatusReport;
  readonly params: Params;
  /** Changes the URL's parameters; `push` adds a history entry (opening a panel). */
  readonly navigate: (params: Params, push?: boolean) => void;
}

function without(params: Params, key: string): Params {
  const { [key]: _removed, ...rest } = params;
  return rest;
}

function Select({
  id,
  label,
  value,
  choices,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  choices: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
      >
        <option value="">all</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </div>
  );
}

function Row({ row, open }: { row: WorkloadRow; open: (row: WorkloadRow) => void }) {
  const w = row.workload;
  return (
    <tr
      class={`state-${w.state}`}
      onClick={() => {
        open(row);
      }}
    >
      <th scope="row">
        <button
          type="button"
          class="link"
          onClick={(event) => {
            event.stopPropagation();
            open(row);
          }}
        >
          {w.workload}
        </button>
      </th>
      <td>
        <Badge value={w.state} />
        <StateDetail workload={w} />
      </td>
      <td class="mono">{w.currentTag ?? '—'}</td>
      <td class="mono">{w.bestTag ?? '—'}</td>
      <td class="mono">{w.policy ?? '—'}</td>
      <td>{w.container ?? '—'}</td>
      <td>{row.repository}</td>
      <td>
        {w.file}
        {w.line !== null && `:${w.line}`}
      </td>
      <td>{w.image}</td>
    </tr>
  );
}

export function Workloads({ report, params, navigate }: WorkloadsProps) {
  const rows = workloadRows(report);
  const choices = filterChoices(rows);
  const shown = filterRows(rows, params);
  const set = (key: string) => (value: string) => {
    navigate(value === '' ? without(params, key) : { ...params, [key]: value });
  };
  // `in` names the repository, since two repositories may hold the same slot id.
  const selected =
    params.slot === undefined
      ? undefined
      : rows.find(
          (r) =>
            r.workload.slot === params.slot &&
            (params.in === undefined || r.repository === params.in),
        );
  return (
    <>
      <h2>Workloads</h2>
      <form
        role="search"
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
        }}
      >
        <div class="field grow">
          <label for="filter-q">Search</label>
          <input
            id="filter-q"
            type="search"
            value={params.q ?? ''}
            placeholder="workload, image, tag, file…"
            onInput={(event) => {
              set('q')(event.currentTarget.value);
            }}
          />
        </div>
        {choices.repositories.length > 1 && (
          <Select
            id="filter-repository"
            label="Repository"
            value={params.repository}
            choices={choices.repositories}
            onChange={set('repository')}
          />
        )}
        <Select
          id="filter-namespace"
          label="Namespace"
          value={params.namespace}
          choices={choices.namespaces}
          onChange={set('namespace')}
        />
        <Select
          id="filter-state"
          label="State"
          value={params.state}
          choices={WORKLOAD_STATUS_STATES}
          onChange={set('state')}
        />
        <Select
          id="filter-image"
          label="Image"
          value={params.image}
          choices={choices.images}
          onChange={set('image')}
        />
      </form>
      <p class="muted" aria-live="polite">
        {shown.length} of {rows.length} image slots
      </p>
      <div class="scroll" tabIndex={0} role="region" aria-labelledby="workloads-caption">
        <table class="workloads">
          <caption id="workloads-caption">
            Image slots: what runs, what is available and what tagpilot does about it
          </caption>
          <thead>
            <tr>
              <th scope="col">Workload</th>
              <th scope="col">State</th>
              <th scope="col">Current</th>
              <th scope="col">Best available</th>
              <th scope="col">Policy</th>
              <th scope="col">Container</th>
              <th scope="col">Repository</th>
              <th scope="col">File</th>
              <th scope="col">Image</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <Row
                key={`${row.repository}\n${row.workload.slot}`}
                row={row}
                open={(r) => {
                  navigate({ ...params, slot: r.workload.slot, in: r.repository }, true);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {selected !== undefined && (
        <ExplainDialog
          row={selected}
          onClose={() => {
            navigate(without(without(params, 'slot'), 'in'));
          }}
        />
      )}
    </>
  );
}
