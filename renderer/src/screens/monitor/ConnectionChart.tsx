import type { ConnectionHistory } from '@outpost/core';
import { useId } from 'react';
import {
  axisStart,
  clockLabel,
  countTicks,
  niceCeiling,
  type Plot,
  samplesOf,
  scaler,
  stepPath,
  timeTicks,
} from './chart-scale';

const WIDTH = 640;
const HEIGHT = 220;
const PLOT: Plot = { left: 44, top: 12, width: WIDTH - 60, height: HEIGHT - 52 };

/** The text a screen reader gets (and everyone sees under the chart). */
export function historySummary(history: ConnectionHistory): string {
  const counts = history.points.map((p) => p.connected);
  const low = Math.min(...history.points.map((p) => p.min), history.connected);
  const high = Math.max(...history.points.map((p) => p.max), history.connected);
  const n = counts.length;
  const first = Date.parse(history.points[0]?.at ?? '');
  const windowStart = Date.parse(history.generatedAt) - history.windowMinutes * 60_000;
  // Samples start when the hub started: a younger hub says so instead of claiming the whole window.
  const span =
    first > windowStart + 60_000
      ? `since the hub started at ${new Date(first).toLocaleTimeString()}`
      : `over the last ${windowText(history.windowMinutes)}`;
  return (
    `${history.connected} ${history.connected === 1 ? 'device' : 'devices'} connected now; ` +
    `${span} between ${low} and ${high} ` +
    `(${n} ${n === 1 ? 'sample' : 'samples'}${history.resolution === 'minute' ? ', one per minute' : ''}).`
  );
}

/** "60 min", "6 h". */
export function windowText(minutes: number): string {
  return minutes < 120 ? `${minutes} min` : `${minutes / 60} h`;
}

/**
 * Connected devices over time as an inline SVG step chart: the count (line over a light area), the
 * min..max range of points that fold several changes (shaded bars), axes with labels.
 */
export function ConnectionChart({ history }: { history: ConnectionHistory }) {
  const titleId = useId();
  const descId = useId();
  const to = Date.parse(history.generatedAt);
  const samples = samplesOf(history.points);
  const from = axisStart(to - history.windowMinutes * 60_000, to, samples[0]?.t);
  const top = niceCeiling(Math.max(history.connected, ...samples.map((s) => s.max)));
  const scale = scaler(PLOT, from, to, top);
  const line = stepPath(samples, 'connected', scale, to);
  // Where a point folds several changes (a reconnect storm), its min..max range is shaded.
  // The range happened within the point's second or minute: a thin bar, not a block to the next point.
  const ranges = samples.filter((sample) => sample.min < sample.max);
  const rangeWidth = Math.max(
    3,
    ((history.resolution === 'minute' ? 60_000 : 1000) / (to - from)) * PLOT.width,
  );
  const baseline = scale.y(0).toFixed(1);
  const last = samples.at(-1);
  const summary = historySummary(history);

  return (
    <figure className="mon-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descId}
        data-point-count={samples.length}
      >
        <title id={titleId}>Connected devices, last {windowText(history.windowMinutes)}</title>
        {countTicks(top).map((n) => (
          <g key={`y${n}`} className="mon-chart-grid">
            <line x1={PLOT.left} x2={PLOT.left + PLOT.width} y1={scale.y(n)} y2={scale.y(n)} />
            <text x={PLOT.left - 6} y={scale.y(n) + 4} textAnchor="end">
              {n}
            </text>
          </g>
        ))}
        {timeTicks(from, to).map((t, i) => (
          <text
            key={`x${t}`}
            className="mon-chart-tick"
            x={scale.x(t)}
            y={PLOT.top + PLOT.height + 16}
            textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}
          >
            {i === 2 ? 'now' : clockLabel(t, to - from)}
          </text>
        ))}
        <text className="mon-chart-axis" x={PLOT.left + PLOT.width / 2} y={HEIGHT - 4} textAnchor="middle">
          time
        </text>
        <text
          className="mon-chart-axis"
          transform={`translate(12 ${PLOT.top + PLOT.height / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          devices connected
        </text>
        {line ? (
          <path className="mon-chart-area" d={`${line}V${baseline}H${scale.x(samples[0]?.t ?? to)}Z`} />
        ) : null}
        {ranges.map((sample) => (
          <rect
            key={sample.t}
            className="mon-chart-range"
            x={Math.min(scale.x(sample.t), PLOT.left + PLOT.width - rangeWidth)}
            width={rangeWidth}
            y={scale.y(sample.max)}
            height={scale.y(sample.min) - scale.y(sample.max)}
          />
        ))}
        {line ? <path className="mon-chart-line" d={line} /> : null}
        {last ? (
          <circle className="mon-chart-dot" cx={scale.x(to)} cy={scale.y(history.connected)} r={4} />
        ) : null}
      </svg>
      <figcaption id={descId} className="muted small">
        {summary}
      </figcaption>
    </figure>
  );
}
