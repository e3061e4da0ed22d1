import {
  type Change,
  createHub,
  createMemoryStore,
  type DeviceLink,
  type Hub,
  HubError,
  type JobTimers,
  type MethodRequest,
  type MethodResponse,
  type StorePort,
  silentLogger,
} from '@outpost/core';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock';

/** Lets every pending promise and store commit settle (the memory store resolves on microtasks). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Timers on a fake clock: `advance` moves the clock and fires what falls due, in due order. */
export interface FakeTimers extends JobTimers {
  clock: FakeClock;
  /** Moves time forward by `ms`, firing due timers one by one and settling after each. */
  advance(ms: number): Promise<void>;
  pending(): number;
}

/** Creates fake timers with their own fake clock. */
export function createFakeTimers(start = Date.parse('2024-05-01T10:00:00Z')): FakeTimers {
  const clock = createFakeClock(start);
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    clock,
    set(fn, ms) {
      const id = ++seq;
      timers.set(id, { due: clock.now() + Math.max(0, ms), fn });
      return () => timers.delete(id);
    },
    async advance(ms) {
      const target = clock.now() + ms;
      for (;;) {
        await settle();
        let nextId: number | undefined;
        let next: { due: number; fn: () => void } | undefined;
        for (const [id, t] of timers) {
          if (t.due <= target && (!next || t.due < next.due)) {
            nextId = id;
            next = t;
          }
        }
        if (!next || nextId === undefined) break;
        timers.delete(nextId);
        clock.set(Math.max(clock.now(), next.due));
        next.fn();
      }
      clock.set(target);
      await settle();
    },
    pending: () => timers.size,
  };
}

/** How a fake device answers a method: after `delayMs`, with `status`; or never online; or silent. */
export type FakeBehaviour = { delayMs?: number; status?: number } | 'offline' | 'silent';

/** A DeviceLink whose devices answer methods on the fake timers, counting calls and concurrency. */
export interface FakeMethodLink extends DeviceLink {
  behave(deviceId: string, behaviour: FakeBehaviour): void;
  /** Every call made, in order. */
  calls: MethodRequest[];
  /** Calls in flight now, and the most ever in flight at once. */
  inFlight(): number;
  maxInFlight(): number;
}

/** Creates the fake link; devices not configured answer 200 at once with their id as payload. */
export function createFakeMethodLink(timers: JobTimers): FakeMethodLink {
  const behaviours = new Map<string, FakeBehaviour>();
  const calls: MethodRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const online = (id: string) => behaviours.get(id) !== 'offline';
  return {
    calls,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    behave: (id, b) => {
      behaviours.set(id, b);
    },
    isConnected: online,
    acceptsMethods: online,
    acceptsC2d: () => false,
    deliverC2d: async () => {
      throw new HubError('DEVICE_NOT_ONLINE', 'fake');
    },
    invokeMethod(request) {
      calls.push(request);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const b = behaviours.get(request.deviceId) ?? {};
      return new Promise<MethodResponse>((resolve, reject) => {
        const done = () => {
          inFlight -= 1;
        };
        if (b === 'offline') {
          done();
          reject(new HubError('DEVICE_NOT_ONLINE', 'offline'));
        } else if (b === 'silent') {
          timers.set(() => {
            done();
            reject(new HubError('GATEWAY_TIMEOUT', `Device ${request.deviceId} did not answer.`));
          }, request.timeoutMs);
        } else {
          const answer = () => {
            done();
            resolve({ status: b.status ?? 200, payload: { device: request.deviceId } });
          };
          if (b.delayMs) timers.set(answer, b.delayMs);
          else queueMicrotask(answer);
        }
      });
    },
  };
}

/** A hub on a memory store with fake timers and a fake method link. */
export async function jobHub(options: {
  store?: StorePort;
  timers: FakeTimers;
  link?: DeviceLink;
  concurrency?: number;
  resumeDelayMs?: number;
}): Promise<Hub> {
  return createHub({
    store: options.store ?? createMemoryStore(),
    clock: options.timers.clock,
    logger: silentLogger,
    adminPassword: 'admin-password-for-tests',
    ...(options.link ? { deviceLink: options.link } : {}),
    jobs: {
      timers: options.timers,
      resumeDelayMs: options.resumeDelayMs ?? 0,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    },
  });
}

/** The caller of the tests' requests. */
export const OWNER = { type: 'policy', id: 'iothubowner' } as const;

/** Registers devices, each with the given tags. */
export async function addDevices(hub: Hub, ids: string[], tags: Record<string, unknown> = {}): Promise<void> {
  for (const id of ids) await hub.registry.create({ deviceId: id }, OWNER, { tags });
}

/** The changes of the feed, oldest first. */
export async function changesOf(hub: Hub): Promise<Change[]> {
  return hub.feed.read(0, 100_000);
}

/** Runs `fn` and returns the HubError code it threw (or rejected with). */
export async function errorCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}
