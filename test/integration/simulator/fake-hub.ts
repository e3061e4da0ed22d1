// A bare aedes broker scripted as a minimal IoT hub: SAS CONNECT, twin GET/PATCH, desired pushes,
// methods and C2D, each delivered to the device's own connection (device-protocol.md §5). It lets the
// simulator's patterns be tested while the real MQTT gateway is being built.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { verifyDeviceToken } from '@outpost/core';
import { Aedes, type Client } from 'aedes';
import { mergePatch } from '../../../edge-runtime/src/simulator/reported-state';
import type { JsonObject } from '../../../edge-runtime/src/simulator/twin-client';

/** A CONNECT as the fake hub saw it. */
export interface RecordedConnect {
  clientId: string;
  username: string;
  password: string;
  clean: boolean;
  keepalive: number;
  protocolVersion: number;
}

/** Anything the device published, with the connection it came on. */
export interface RecordedPublish {
  clientId: string;
  topic: string;
  payload: string;
  qos: number;
}

/** Options of {@link startFakeHub}. */
export interface FakeHubOptions {
  /** The key of a device, or undefined for an unknown device (CONNACK 5). */
  keyOf(deviceId: string): string | undefined;
  /** Server certificate and key (PEM). */
  cert: string;
  key: string;
  hostName?: string;
  /** Answer this many CONNECTs with CONNACK 3 before accepting any. */
  unavailable?: number;
}

/** A scripted hub. */
export interface FakeHub {
  url: string;
  connects: RecordedConnect[];
  subscribes: { clientId: string; filter: string; qos: number }[];
  publishes: RecordedPublish[];
  /** Reported patches in arrival order. */
  reportedPatches: { deviceId: string; patch: JsonObject }[];
  disconnects: string[];
  twin(deviceId: string): { desired: JsonObject; reported: JsonObject };
  /** Merges into desired, bumps `$version`, pushes the patch if the device subscribed (§2.6). */
  setDesired(deviceId: string, patch: JsonObject): number;
  /** Invokes a method; 404 when the device is offline or has no methods subscription (§2.7). */
  invoke(deviceId: string, name: string, payload?: unknown, timeoutMs?: number): Promise<MethodResult>;
  /** Raw method request body (to test the SDK's 400 on bad bodies). */
  invokeRaw(deviceId: string, name: string, body: string, timeoutMs?: number): Promise<MethodResult>;
  sendC2d(deviceId: string, body: string, properties: Record<string, string>): void;
  /** Destroys the device's socket without a DISCONNECT. */
  dropConnection(deviceId: string): void;
  close(): Promise<void>;
}

/** A method answer. */
export interface MethodResult {
  status: number;
  payload: unknown;
}

/** Starts the fake hub on a random loopback port, over TLS. */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const hostName = options.hostName ?? 'localhost';
  let unavailable = options.unavailable ?? 0;
  const connects: RecordedConnect[] = [];
  const subscribes: FakeHub['subscribes'] = [];
  const publishes: RecordedPublish[] = [];
  const reportedPatches: FakeHub['reportedPatches'] = [];
  const disconnects: string[] = [];
  const twins = new Map<string, { desired: JsonObject; reported: JsonObject }>();
  const clients = new Map<string, Client>();
  const subscribed = new Map<string, Set<string>>();
  const pendingMethods = new Map<string, (result: MethodResult) => void>();
  let nextRid = 1;
  let closing: Promise<void> | undefined;

  const twinOf = (id: string) => {
    let twin = twins.get(id);
    if (!twin) {
      twin = { desired: { $version: 1 }, reported: { $version: 1 } };
      twins.set(id, twin);
    }
    return twin;
  };
  const send = (client: Client, topic: string, payload: string, qos: 0 | 1 = 0) =>
    // aedes calls the callback unconditionally, so it must be given.
    client.publish(
      { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false },
      () => {},
    );

  const broker = await Aedes.createBroker({
    preConnect(_client, packet, done) {
      connects.push({
        clientId: packet.clientId,
        username: packet.username ?? '',
        password: packet.password?.toString() ?? '',
        clean: packet.clean ?? true,
        keepalive: packet.keepalive ?? 0,
        protocolVersion: packet.protocolVersion ?? 0,
      });
      // A clean=1 CONNECT discards the session, subscriptions included (§1.5).
      if (packet.clean) subscribed.delete(packet.clientId);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      const refuse = (returnCode: number) =>
        done(Object.assign(new Error('refused'), { returnCode }) as Parameters<typeof done>[0], null);
      if (unavailable > 0) {
        unavailable--;
        return refuse(3);
      }
      const cut = (username ?? '').indexOf('/?');
      const [host, deviceId, extra] = (username ?? '').slice(0, cut).split('/');
      const key = deviceId === undefined ? undefined : options.keyOf(deviceId);
      if (cut < 0 || host !== hostName || extra !== undefined || deviceId !== client.id || !key)
        return refuse(5);
      try {
        verifyDeviceToken(password?.toString() ?? '', {
          deviceId,
          keys: { primaryKey: key, secondaryKey: '' },
          hostNames: [hostName],
          now: Date.now(),
          skewSeconds: 0,
        });
      } catch {
        return refuse(5);
      }
      clients.set(client.id, client);
      done(null, true);
    },
  });
  broker.on('clientDisconnect', (client) => {
    disconnects.push(client.id);
    if (clients.get(client.id) === client) clients.delete(client.id);
  });
  broker.on('subscribe', (subs, client) => {
    for (const s of subs) {
      subscribes.push({ clientId: client.id, filter: s.topic, qos: s.qos });
      const set = subscribed.get(client.id) ?? new Set<string>();
      subscribed.set(client.id, set);
      set.add(s.topic);
    }
  });
  broker.on('publish', (packet, client) => {
    if (!client) return;
    const payload = packet.payload.toString();
    publishes.push({ clientId: client.id, topic: packet.topic, payload, qos: packet.qos });
    const rid = /\$rid=([^&]+)/.exec(packet.topic)?.[1] ?? '';
    if (packet.topic.startsWith('$iothub/twin/GET/')) {
      const { desired, reported } = twinOf(client.id);
      send(client, `$iothub/twin/res/200/?$rid=${rid}`, JSON.stringify({ desired, reported }));
    } else if (packet.topic.startsWith('$iothub/twin/PATCH/properties/reported/')) {
      const twin = twinOf(client.id);
      const patch = JSON.parse(payload) as JsonObject;
      reportedPatches.push({ deviceId: client.id, patch });
      const version = Number(twin.reported.$version) + 1;
      twin.reported = { ...mergePatch(twin.reported, patch), $version: version };
      send(client, `$iothub/twin/res/204/?$rid=${rid}&$version=${version}`, '');
    } else {
      const res = /^\$iothub\/methods\/res\/(\d+)\//.exec(packet.topic);
      if (res)
        pendingMethods.get(rid)?.({
          status: Number(res[1]),
          payload: payload ? JSON.parse(payload) : undefined,
        });
    }
  });

  const server = tls.createServer({ cert: options.cert, key: options.key }, (socket) =>
    broker.handle(socket),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const invokeRaw: FakeHub['invokeRaw'] = (deviceId, name, body, timeoutMs = 5_000) => {
    const client = clients.get(deviceId);
    if (!client || !subscribed.get(deviceId)?.has('$iothub/methods/POST/#')) {
      return Promise.resolve({ status: 404, payload: { message: 'device offline' } });
    }
    const rid = String(nextRid++);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ status: 504, payload: undefined }), timeoutMs);
      pendingMethods.set(rid, (result) => {
        clearTimeout(timer);
        pendingMethods.delete(rid);
        resolve(result);
      });
      send(client, `$iothub/methods/POST/${name}/?$rid=${rid}`, body);
    });
  };

  return {
    url: `mqtts://localhost:${port}`,
    connects,
    subscribes,
    publishes,
    reportedPatches,
    disconnects,
    twin: twinOf,
    setDesired(deviceId, patch) {
      const twin = twinOf(deviceId);
      const version = Number(twin.desired.$version) + 1;
      twin.desired = { ...mergePatch(twin.desired, patch), $version: version };
      const client = clients.get(deviceId);
      if (client && subscribed.get(deviceId)?.has('$iothub/twin/PATCH/properties/desired/#')) {
        send(
          client,
          `$iothub/twin/PATCH/properties/desired/?$version=${version}`,
          JSON.stringify({ ...patch, $version: version }),
        );
      }
      return version;
    },
    invoke: (deviceId, name, payload = null, timeoutMs) =>
      invokeRaw(deviceId, name, JSON.stringify(payload), timeoutMs),
    invokeRaw,
    sendC2d(deviceId, body, properties) {
      const client = clients.get(deviceId);
      if (!client) throw new Error(`${deviceId} is offline`);
      const bag = Object.entries(properties)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&');
      send(client, `devices/${deviceId}/messages/devicebound/${bag}`, body, 1);
    },
    dropConnection(deviceId) {
      clients.get(deviceId)?.conn.destroy();
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** Polls `predicate` every 10 ms until it is truthy; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(
  predicate: () => T,
  what: string,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
