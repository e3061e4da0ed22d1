import {
  type Actor,
  createHub,
  createMemoryStore,
  type EvaluationTimers,
  type Hub,
  type StorePort,
} from '@outpost/core';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock';

/** The caller of every test mutation. */
export const OWNER: Actor = { type: 'policy', id: 'iothubowner' };

/** Timers the test fires by hand: `fire(ms)` runs every timer set for exactly `ms`. */
export interface ManualTimers extends EvaluationTimers {
  pending(): number[];
  fire(ms: number): void;
}

/** Creates timers that only run when the test fires them. */
export function manualTimers(): ManualTimers {
  const timers = new Set<{ fn: () => void; ms: number }>();
  return {
    set(fn, ms) {
      const t = { fn, ms };
      timers.add(t);
      return () => timers.delete(t);
    },
    pending: () => [...timers].map((t) => t.ms),
    fire(ms) {
      for (const t of [...timers]) {
        if (t.ms !== ms) continue;
        timers.delete(t);
        t.fn();
      }
    },
  };
}

/** A hub over a memory store with a fake clock and manual evaluation timers. */
export interface ConfigTestHub {
  hub: Hub;
  store: StorePort;
  clock: FakeClock;
  timers: ManualTimers;
}

/** Starts a hub for configuration tests; pass `store` to reopen one. */
export async function configTestHub(store: StorePort = createMemoryStore()): Promise<ConfigTestHub> {
  const clock = createFakeClock(Date.parse('2024-05-01T10:00:00Z'));
  const timers = manualTimers();
  const hub = await createHub({
    store,
    clock,
    hubId: 'hub-test',
    adminPassword: 'admin-password',
    configurations: { timers },
  });
  return { hub, store, clock, timers };
}

/** Registers devices with the given tags. */
export async function addDevices(hub: Hub, tags: Record<string, Record<string, unknown>>): Promise<void> {
  for (const [deviceId, t] of Object.entries(tags)) {
    await hub.registry.create({ deviceId }, OWNER);
    if (Object.keys(t).length) await hub.twins.patch(deviceId, { tags: t }, '*', OWNER);
  }
}

/** A configuration body. */
export function config(
  targetCondition: string,
  desired: Record<string, unknown>,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  const deviceContent = Object.fromEntries(
    Object.entries(desired).map(([path, value]) => [`properties.desired.${path}`, value]),
  );
  return { content: { deviceContent }, targetCondition, priority: 0, ...more };
}

/** The desired section of a twin without `$metadata` / `$version`. */
export function desiredOf(hub: Hub, deviceId: string): Record<string, unknown> {
  const { $metadata: _m, $version: _v, ...rest } = hub.twins.get(deviceId).properties.desired;
  return rest;
}

/** The configuration markers of a twin document. */
export function markersOf(hub: Hub, deviceId: string): Record<string, { status: string }> | undefined {
  return (hub.twins.get(deviceId) as { configurations?: Record<string, { status: string }> }).configurations;
}
