import { createConnectionSampler, type HistoryTimers, parseHistoryMinutes } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function manualTimers() {
  const ticks: (() => void)[] = [];
  const timers: HistoryTimers = {
    every(fn) {
      ticks.push(fn);
      return () => ticks.splice(ticks.indexOf(fn), 1);
    },
  };
  const tick = () => {
    for (const fn of [...ticks]) fn();
  };
  return { timers, tick, active: () => ticks.length };
}

describe('connection history', () => {
  it('samples at start, on every change and on every tick', () => {
    const clock = createFakeClock(T0);
    const { timers, tick } = manualTimers();
    const s = createConnectionSampler({ clock, timers });
    expect(s.history(60).points).toEqual([{ at: '2026-03-01T10:00:00.000Z', connected: 0, min: 0, max: 0 }]);
    clock.advance(5_000);
    s.connected('a');
    s.connected('a'); // a second connection of the same device is no change
    clock.advance(5_000);
    s.connected('b');
    clock.advance(10_000);
    tick();
    const h = s.history(60);
    expect(h.connected).toBe(2);
    expect(h.resolution).toBe('sample');
    expect(h.points.map((p) => p.connected)).toEqual([0, 1, 2, 2]);
    clock.advance(2_000);
    s.disconnected('a');
    s.disconnected('zz'); // never connected: no sample
    expect(s.history(60).points.map((p) => p.connected)).toEqual([0, 1, 2, 2, 1]);
  });

  it('coalesces a reconnect storm into one point that keeps its extremes', () => {
    const clock = createFakeClock(T0);
    const s = createConnectionSampler({ clock, timers: manualTimers().timers });
    clock.advance(2_000);
    for (let i = 0; i < 50; i++) s.connected(`d${i}`);
    for (let i = 0; i < 10; i++) s.disconnected(`d${i}`);
    const points = s.history(60).points;
    expect(points).toHaveLength(2);
    expect(points[1]).toMatchObject({ connected: 40, min: 1, max: 50 });
  });

  it('keeps an hour of samples and a day of minute buckets, dropping what is older', () => {
    const clock = createFakeClock(T0);
    const { timers, tick } = manualTimers();
    const s = createConnectionSampler({ clock, timers });
    // 25 hours of 10 s ticks, one more device every hour (30 s into a minute).
    for (let i = 1; i <= 25 * 360; i++) {
      clock.advance(10_000);
      if (i % 360 === 3) s.connected(`d${i}`);
      tick();
    }
    const hour = s.history(60);
    expect(hour.resolution).toBe('sample');
    expect(hour.points.length).toBeGreaterThanOrEqual(360);
    expect(hour.points.length).toBeLessThanOrEqual(362);
    const day = s.history(1440);
    expect(day.resolution).toBe('minute');
    expect(day.points.length).toBeGreaterThanOrEqual(1440);
    expect(day.points.length).toBeLessThanOrEqual(1441);
    expect(Date.parse(day.points[0]?.at ?? '')).toBeGreaterThanOrEqual(clock.now() - 24 * 3_600_000 - 60_000);
    expect(day.points.at(-1)?.connected).toBe(25);
    const bucket = day.points.find((p) => p.min !== p.max);
    expect(bucket).toBeDefined();
  });

  it('stops its timer on close and parses the window', () => {
    const clock = createFakeClock(T0);
    const manual = manualTimers();
    const s = createConnectionSampler({ clock, timers: manual.timers });
    expect(manual.active()).toBe(1);
    s.close();
    expect(manual.active()).toBe(0);
    expect(parseHistoryMinutes(undefined)).toBe(60);
    expect(parseHistoryMinutes('1440')).toBe(1440);
    for (const bad of ['0', '1441', '-5', 'x', '1.5']) expect(() => parseHistoryMinutes(bad)).toThrow();
  });
});
