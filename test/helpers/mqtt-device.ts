import { randomUUID } from 'node:crypto';
import { createSasToken, strictUrlEncode } from '@outpost/core';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** The username an Azure IoT device sends (device-protocol.md §1.3). */
export function deviceUsername(host: string, deviceId: string): string {
  return `${host}/${deviceId}/?api-version=2021-04-12&DeviceClientType=outpost-tests`;
}

/** A device SAS token, built as the Node device SDK builds it (§1.4). */
export function deviceToken(options: {
  host: string;
  deviceId: string;
  key: string;
  /** Seconds since the epoch; default one hour from now. */
  expiresAt?: number;
  policyName?: string;
}): string {
  return createSasToken({
    resourceUri: strictUrlEncode(`${options.host}/devices/${options.deviceId}`),
    key: options.key,
    expiresAt: options.expiresAt ?? Math.ceil(Date.now() / 1000) + 3600,
    ...(options.policyName ? { policyName: options.policyName } : {}),
  });
}

/** How a test device connects. */
export interface DeviceConnectOptions {
  /** `mqtts://…`, `wss://…/$iothub/websocket` or `mqtt://…`. */
  url: string;
  /** The hub CA (PEM). */
  ca: string;
  deviceId: string;
  /** The HostName in the username (default `localhost`). */
  host?: string;
  /** A SAS token (the password); omit for X.509. */
  token?: string;
  /** A TLS client certificate and key (X.509 devices). */
  cert?: string;
  key?: string;
  /** Default false, as the SDK always connects. */
  clean?: boolean;
  /** Overrides the clientId (default the device id). */
  clientId?: string;
}

/** One message a device received. */
export interface Received {
  topic: string;
  payload: Buffer;
}

/** Which message to wait for: a topic prefix, or a test. */
export type Match = string | ((msg: Received) => boolean);

/** A connected test device with helpers for the IoT Hub topics. */
export interface TestDevice {
  client: MqttClient;
  /** Every message received so far. */
  received: Received[];
  /** The next message not yet taken by `next` (received already or later) that matches. */
  next(match: Match): Promise<Received>;
  /** Subscribes one filter; resolves with the granted code (0x80 = refused). */
  subscribe(filter: string, qos?: 0 | 1): Promise<number>;
  /** Sends a twin GET (body " ", as the SDK does) and resolves with its answer. */
  getTwin(): Promise<{ status: number; body: unknown; topic: string }>;
  /** Sends a reported PATCH (an object, or raw text) and resolves with its answer. */
  patchReported(patch: unknown): Promise<{ status: number; version?: number; body: string }>;
  /** Resolves when the connection is gone (closed by either side). */
  closed: Promise<void>;
  close(): Promise<void>;
}

function options(o: DeviceConnectOptions): IClientOptions {
  return {
    clientId: o.clientId ?? o.deviceId,
    username: deviceUsername(o.host ?? 'localhost', o.deviceId),
    ...(o.token ? { password: o.token } : {}),
    clean: o.clean ?? false,
    protocolVersion: 4,
    keepalive: 180,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ca: o.ca,
    ...(o.cert ? { cert: o.cert, key: o.key } : {}),
    rejectUnauthorized: true,
    wsOptions: { ca: o.ca, ...(o.cert ? { cert: o.cert, key: o.key } : {}) },
  };
}

/** Connects a device; rejects (with `code` = the CONNACK return code) when refused. */
export async function connectDevice(o: DeviceConnectOptions): Promise<TestDevice> {
  const client = await mqtt.connectAsync(o.url, options(o));
  return wrap(client);
}

/** Tries to connect and resolves with the CONNACK return code (0 when accepted, then closes). */
export async function connackCode(o: DeviceConnectOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(o.url, options(o));
    await client.endAsync();
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** A test for a `$iothub/twin/res/…` reply to the request `rid`. */
export function twinReplyTo(rid: string): (msg: Received) => boolean {
  return (msg) => msg.topic.startsWith('$iothub/twin/res/') && ridOf(msg.topic) === rid;
}

/** The `$rid` of a topic's query, if any. */
export function ridOf(topic: string): string | undefined {
  return /[?&]\$rid=([^&]*)/.exec(topic)?.[1];
}

function wrap(client: MqttClient): TestDevice {
  const received: Received[] = [];
  const taken = new Set<Received>();
  const waiters: { test: (m: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.on('error', () => undefined);
  client.on('message', (topic, payload) => {
    const msg = { topic, payload };
    received.push(msg);
    const waiter = waiters.find((w) => w.test(msg));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      taken.add(msg);
      waiter.resolve(msg);
    }
  });
  const next = (match: Match) =>
    new Promise<Received>((resolve) => {
      const test = typeof match === 'string' ? (m: Received) => m.topic.startsWith(match) : match;
      const found = received.find((m) => !taken.has(m) && test(m));
      if (found) {
        taken.add(found);
        resolve(found);
      } else waiters.push({ test, resolve });
    });
  const statusOf = (topic: string) => Number(topic.split('/')[3]);
  return {
    client,
    received,
    next,
    closed,
    async subscribe(filter, qos = 0) {
      try {
        const granted = await client.subscribeAsync(filter, { qos });
        return granted[0]?.qos ?? -1;
      } catch (err) {
        // mqtt.js rejects a SUBACK holding 0x80; the packet rides on the error.
        const granted = (err as { packet?: { granted?: number[] } }).packet?.granted?.[0];
        if (granted === 128 || (err as { code?: unknown }).code === 128) return 128;
        throw err;
      }
    },
    async getTwin() {
      const rid = randomUUID();
      const reply = next(twinReplyTo(rid));
      await client.publishAsync(`$iothub/twin/GET/?$rid=${rid}`, ' ', { qos: 0 });
      const msg = await reply;
      return { status: statusOf(msg.topic), body: JSON.parse(msg.payload.toString()), topic: msg.topic };
    },
    async patchReported(patch) {
      const rid = randomUUID();
      const reply = next(twinReplyTo(rid));
      const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
      await client.publishAsync(`$iothub/twin/PATCH/properties/reported/?$rid=${rid}`, body, { qos: 0 });
      const msg = await reply;
      const version = /\$version=(\d+)/.exec(msg.topic)?.[1];
      return {
        status: statusOf(msg.topic),
        ...(version ? { version: Number(version) } : {}),
        body: msg.payload.toString(),
      };
    },
    async close() {
      await client.endAsync();
    },
  };
}
