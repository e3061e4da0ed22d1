/** Pure geometry of the connected-devices chart: scales, ticks and the step path. */
import type { ConnectionPoint } from '@outpost/core';

/** The drawing area inside the SVG's viewBox. */
export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A point in time and count, in ms. */
export interface Sample {
  t: number;
  connected: number;
  min: number;
  max: number;
}

/** The samples of a series, in time order. */
export function samplesOf(points: readonly ConnectionPoint[]): Sample[] {
  return points
    .map((p) => ({ t: Date.parse(p.at), connected: p.connected, min: p.min, max: p.max }))
    .filter((s) => !Number.isNaN(s.t));
}

/** The top of the count axis: a round number at or above `max` (at least 1). */
export function niceCeiling(max: number): number {
  if (max <= 1) return 1;
  if (max <= 5) return max;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const top = step * magnitude;
    if (top >= max) return top;
  }
  return 10 * magnitude;
}

/** Count-axis ticks: 0, the middle (when whole) and the top. */
export function countTicks(top: number): number[] {
  const mid = top / 2;
  return Number.isInteger(mid) && mid > 0 ? [0, mid, top] : [0, top];
}

/** Time-axis ticks: start, middle and end of the window. */
export function timeTicks(from: number, to: number): number[] {
  return [from, from + (to - from) / 2, to];
}

/** `HH:MM` in the viewer's time zone, with seconds when the axis spans less than 10 minutes. */
export function clockLabel(ms: number, spanMs: number): string {
  return new Date(ms).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    ...(spanMs < 600_000 ? { second: '2-digit' } : {}),
  });
}

/** Shortest time axis: a hub that started seconds ago still gets a readable minute. */
export const MIN_SPAN_MS = 60_000;

/**
 * The start of the time axis: the window's start, or the first sample when the hub has not run
 * for the whole window (nothing is known before it started, so no empty stretch is drawn).
 */
export function axisStart(windowFrom: number, to: number, firstSample: number | undefined): number {
  const from = Math.max(windowFrom, firstSample ?? windowFrom);
  return Math.min(from, to - MIN_SPAN_MS);
}

/** Maps time and count into the plot. */
export function scaler(plot: Plot, from: number, to: number, top: number) {
  const span = Math.max(1, to - from);
  return {
    x: (t: number) => plot.left + ((Math.min(Math.max(t, from), to) - from) / span) * plot.width,
    y: (n: number) => plot.top + plot.height - (n / top) * plot.height,
  };
}

/**
 * A step line through the samples (the count holds until the next sample), drawn on to `to`
 * since the last count still holds now.
 */
export function stepPath(
  samples: readonly Sample[],
  key: 'connected' | 'max',
  scale: ReturnType<typeof scaler>,
  to: number,
): string {
  if (samples.length === 0) return '';
  const parts: string[] = [];
  samples.forEach((s, i) => {
    const x = scale.x(s.t).toFixed(1);
    const y = scale.y(s[key]).toFixed(1);
    parts.push(i === 0 ? `M${x},${y}` : `H${x}V${y}`);
  });
  parts.push(`H${scale.x(to).toFixed(1)}`);
  return parts.join('');
}
