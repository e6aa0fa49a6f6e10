/**
 * Trigger-to-commit latency of a repository's recent commits as a small SVG line chart (no chart
 * library: a polyline and a few labels), with the same figures in words for screen readers.
 */
import type { CommitStatus } from '../server/status-schema.js';
import { duration, median } from './format.js';

const WIDTH = 320;
const HEIGHT = 90;
const PAD = { left: 6, right: 6, top: 16, bottom: 8 };

interface Point {
  readonly at: number;
  readonly ms: number;
}

function pointsOf(commits: readonly CommitStatus[]): Point[] {
  return commits
    .flatMap((c) =>
      typeof c.latencyMs === 'number' && !Number.isNaN(Date.parse(c.at))
        ? [{ at: Date.parse(c.at), ms: c.latencyMs }]
        : [],
    )
    .sort((a, b) => a.at - b.at);
}

export function LatencyChart({
  commits,
  label,
}: {
  commits: readonly CommitStatus[];
  label: string;
}) {
  const points = pointsOf(commits);
  if (points.length === 0)
    return (
      <p class="muted">No trigger-to-commit times yet (they appear with tagpilot's next commit).</p>
    );
  const values = points.map((p) => p.ms);
  const highest = Math.max(...values);
  const middle = median(values) ?? 0;
  const first = points[0]?.at ?? 0;
  const span = (points.at(-1)?.at ?? first) - first;
  const x = (p: Point, i: number): number => {
    const share =
      span > 0 ? (p.at - first) / span : points.length > 1 ? i / (points.length - 1) : 0.5;
    return PAD.left + share * (WIDTH - PAD.left - PAD.right);
  };
  const y = (ms: number): number =>
    HEIGHT - PAD.bottom - (highest > 0 ? ms / highest : 0) * (HEIGHT - PAD.top - PAD.bottom);
  const summary = `median ${duration(middle)}, highest ${duration(highest)} over ${points.length} commit${points.length === 1 ? '' : 's'}`;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${label}: trigger-to-commit latency, ${summary}`}
      >
        <line class="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <text class="tick" x={PAD.left} y={11}>
          {duration(highest)}
        </text>
        <polyline class="line" points={points.map((p, i) => `${x(p, i)},${y(p.ms)}`).join(' ')} />
        {points.map((p, i) => (
          <circle key={p.at} class="dot" cx={x(p, i)} cy={y(p.ms)} r={3} />
        ))}
      </svg>
      <figcaption>Trigger to commit: {summary}</figcaption>
    </figure>
  );
}
