import { C2D } from '../../../core/src/c2d/c2d-message';
import { type C2dServiceDeps, createC2dService } from '../../../core/src/c2d/c2d-service';
import type { C2dTimers } from '../../../core/src/c2d/c2d-timers';
import { NEVER } from '../../../core/src/contracts/device';
import type { C2dDelivery, DeviceLink } from '../../../core/src/ports/device-link';
import { createMemoryStore } from '../../../core/src/ports/memory-store';
import type { StorePort } from '../../../core/src/ports/store';
import type { DeviceRecord } from '../../../core/src/registry/device-record';
import { createDeviceTable, type DeviceTable } from '../../../core/src/registry/device-table';
import { newTwinState } from '../../../core/src/twins/twin-service';

/** A device record with default identity fields. */
export function deviceRecord(deviceId: string): DeviceRecord {
  return {
    identity: {
      deviceId,
      generationId: '1',
      etag: 'MQ==',
      connectionState: 'Disconnected',
      connectionStateUpdatedTime: NEVER,
      status: 'enabled',
      statusReason: null,
      statusUpdatedTime: NEVER,
      lastActivityTime: NEVER,
      cloudToDeviceMessageCount: 0,
      authentication: {
        type: 'sas',
        symmetricKey: { primaryKey: null, secondaryKey: null },
        x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null },
      },
      capabilities: { iotEdge: false },
      deviceScope: '',
      parentScopes: [],
    },
    twin: newTwinState(1, undefined, '2024-01-01T00:00:00.000Z'),
  };
}

/** A table holding the given devices. */
export function tableWith(...ids: string[]): DeviceTable {
  const table = createDeviceTable();
  for (const id of ids) table.set(deviceRecord(id));
  return table;
}

/** A clock the test moves. */
export function fakeClock(start = Date.parse('2024-05-01T10:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Timers the test fires by hand. */
export function fakeTimers(): C2dTimers & { pending: { fn: () => void; ms: number }[]; fireAll(): void } {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    set(fn, ms) {
      const entry = { fn, ms };
      pending.push(entry);
      return () => {
        const i = pending.indexOf(entry);
        if (i >= 0) pending.splice(i, 1);
      };
    },
    fireAll() {
      for (const entry of pending.splice(0)) entry.fn();
    },
  };
}

/** A DeviceLink whose acceptance and acknowledgements the test controls. */
export function fakeLink() {
  const accepting = new Set<string>();
  const deliveries: C2dDelivery[] = [];
  let mode: 'ack' | 'fail' | 'hold' = 'ack';
  const held: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const link: DeviceLink & {
    accepting: Set<string>;
    deliveries: C2dDelivery[];
    held: typeof held;
    setMode(m: typeof mode): void;
  } = {
    accepting,
    deliveries,
    held,
    setMode: (m) => {
      mode = m;
    },
    isConnected: (id) => accepting.has(id),
    acceptsMethods: () => false,
    invokeMethod: () => Promise.reject(new Error('not used')),
    acceptsC2d: (id) => accepting.has(id),
    deliverC2d(message) {
      deliveries.push(message);
      if (mode === 'fail') return Promise.reject(new Error('connection lost before PUBACK'));
      if (mode === 'hold') return new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
      return Promise.resolve();
    },
  };
  return link;
}

/** A service over `store` and `table`, reading back what the store holds, with timers off by default. */
export async function serviceOver(store: StorePort, table: DeviceTable, extra: Partial<C2dServiceDeps> = {}) {
  const snapshot = await store.load();
  return createC2dService({
    store,
    table,
    initial: snapshot.collections.get(C2D),
    sweepIntervalMs: 0,
    timers: fakeTimers(),
    ...extra,
  });
}

export { createMemoryStore };
