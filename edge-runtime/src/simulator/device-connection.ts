/**
 * One simulated device's MQTT transport, behaving like azure-iot-mqtt-base on mqtt.js: CONNECT with
 * clean=0, SAS renewal by reconnecting, recovery after a drop (device-protocol.md §1.1, §1.5, §1.8).
 */
import { connect, ErrorWithReasonCode, type IClientOptions, type MqttClient } from 'mqtt';
import { createDeviceSasToken, defaultUserAgent, deviceUsername } from './device-credentials';

/** How a simulated device reaches and signs in to the hub. */
export interface DeviceConnectionOptions {
  /** `mqtts://host:port`, or `wss://host:port/$iothub/websocket`; `mqtt://` only for tests and TLS terminators. */
  url: string;
  /** The connection-string HostName: goes into the username and the SAS `sr`, never the dialled host (§1.2). */
  hostName: string;
  deviceId: string;
  /** The device's base64 key (or a DeviceConnect policy key with `policyName`). */
  key: string;
  policyName?: string;
  /** The hub CA as PEM; replaces Node's roots for this connection, like `setOptions({ ca })` (§1.7). */
  ca?: string | Buffer;
  /** Default 180 s, the SDK's (§1.1). */
  keepaliveSeconds?: number;
  /** Token lifetime; default 3600 s (§1.5). */
  tokenValidSeconds?: number;
  /** Renew this long before expiry; default 900 s, so every 45 min (§1.5). */
  tokenRenewalMarginSeconds?: number;
  /** DeviceClientType; default the SDK-shaped agent with the simulator as productInfo. */
  userAgent?: string;
  /** Milliseconds since the Unix epoch; injectable for token-expiry tests. */
  now?: () => number;
  /** Every PUBLISH from the hub. */
  onMessage(topic: string, payload: Buffer): void;
  /** Connection lifecycle facts. */
  onEvent?(event: ConnectionEvent): void;
}

/** What happened to the connection. */
export type ConnectionEvent =
  | { type: 'connected'; cause: 'open' | 'renewal' | 'recovery'; sessionPresent: boolean }
  | { type: 'disconnected'; cause: 'renewal' | 'disconnect' | 'lost'; error?: string };

/** A device's MQTT session as the device layer uses it. */
export interface DeviceConnection {
  /** CONNECTs (no SUBSCRIBE, as the SDK's open()); retries only CONNACK 3, like the SDK (§1.8). */
  open(): Promise<void>;
  /** One filter per SUBSCRIBE; resolves with the granted QoS, 0x80 included, which the SDK ignores (§2.10). */
  subscribe(filter: string, qos: 0 | 1): Promise<number>;
  /** Publishes once connected; a QoS 1 publish resolves on PUBACK. */
  publish(topic: string, payload: string | Buffer, qos: 0 | 1): Promise<void>;
  /** DISCONNECT, then CONNECT with a fresh token and clean=0, and no SUBSCRIBE (§1.5). */
  renewToken(): Promise<void>;
  /** Graceful DISCONNECT; no recovery until the next open(). */
  disconnect(): Promise<void>;
  /** True between CONNACK and the connection's end. */
  readonly isConnected: boolean;
}

// The SDK forces a graceful disconnect that takes longer than this (§1.5).
const DISCONNECT_TIMEOUT_MS = 30_000;
// The SDK retries each call for at most 240 s; open() is retried only on CONNACK 3 (§1.8).
const OPEN_RETRY_BUDGET_MS = 240_000;
const CONNACK_SERVER_UNAVAILABLE = 3;

/** ExponentialBackOffWithJitter, roughly: 100 ms growing to a 10 s cap, ±20 % jitter (§1.8). */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(10_000, 100 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Creates the transport; nothing is dialled until open(). */
export function createDeviceConnection(options: DeviceConnectionOptions): DeviceConnection {
  const now = options.now ?? Date.now;
  const validSeconds = options.tokenValidSeconds ?? 3600;
  const marginSeconds = options.tokenRenewalMarginSeconds ?? 900;
  const username = deviceUsername(
    options.hostName,
    options.deviceId,
    options.userAgent ?? defaultUserAgent(),
  );
  let client: MqttClient | undefined;
  let connected = false;
  let wanted = false;
  let renewTimer: NodeJS.Timeout | undefined;
  let waiters: { resolve(c: MqttClient): void; reject(e: Error): void }[] = [];
  const inflight = new Set<(err: Error) => void>();
  const emit = (event: ConnectionEvent) => options.onEvent?.(event);

  function dial(): Promise<{ mqtt: MqttClient; sessionPresent: boolean }> {
    const expiresAt = Math.floor(now() / 1000) + validSeconds;
    const config: IClientOptions = {
      // The exact option set of azure-iot-mqtt-base `_connectClient` (§1.1).
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: false,
      clientId: options.deviceId,
      username,
      password: createDeviceSasToken({ ...options, expiresAt }),
      reconnectPeriod: 0,
      connectTimeout: 60_000,
      keepalive: options.keepaliveSeconds ?? 180,
      reschedulePings: false,
      resubscribe: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    };
    const mqtt = connect(options.url, config);
    // Attached before CONNACK: a resumed session may deliver queued C2D right after it.
    mqtt.on('message', (topic, payload) => options.onMessage(topic, payload));
    return new Promise((resolve, reject) => {
      const done = (err?: Error, sessionPresent = false) => {
        mqtt.off('connect', onConnect).off('error', onError).off('close', onClose);
        // mqtt.js emits 'error' for every stream fault; an unheard one would crash the process.
        mqtt.on('error', () => {});
        if (err) {
          mqtt.end(true);
          reject(err);
        } else resolve({ mqtt, sessionPresent });
      };
      const onConnect = (connack: { sessionPresent: boolean }) => done(undefined, connack.sessionPresent);
      const onError = (err: Error) => done(err);
      const onClose = () => done(new Error(`connection to ${options.url} closed before CONNACK`));
      mqtt.on('connect', onConnect).on('error', onError).on('close', onClose);
    });
  }

  function adopt(mqtt: MqttClient, cause: 'open' | 'renewal' | 'recovery', sessionPresent: boolean): void {
    client = mqtt;
    connected = true;
    mqtt.on('close', () => {
      if (client !== mqtt || !connected) return;
      connected = false;
      failInflight(new Error('connection lost'));
      emit({ type: 'disconnected', cause: 'lost' });
      void recover();
    });
    clearTimeout(renewTimer);
    renewTimer = setTimeout(
      () => void renewToken().catch(() => {}),
      Math.max(1, validSeconds - marginSeconds) * 1000,
    );
    emit({ type: 'connected', cause, sessionPresent });
    const ready = waiters;
    waiters = [];
    for (const w of ready) w.resolve(mqtt);
  }

  async function recover(): Promise<void> {
    // After an unexpected drop the SDK reconnects at once and keeps retrying (§1.8).
    for (let attempt = 0; wanted && !connected; attempt++) {
      try {
        const { mqtt, sessionPresent } = await dial();
        if (!wanted) {
          mqtt.end(true);
          return;
        }
        adopt(mqtt, 'recovery', sessionPresent);
        return;
      } catch {
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  async function end(mqtt: MqttClient | undefined): Promise<void> {
    if (!mqtt) return;
    connected = false;
    await new Promise<void>((resolve) => {
      // A dropped connection's QoS 1 publishes are never acknowledged, and mqtt.js's graceful end
      // waits for them without limit: a connection already closed is ended by force at once.
      if (!mqtt.connected) {
        mqtt.end(true, {}, () => resolve());
        return;
      }
      // mqtt.js ignores a second end() while the first waits, so the deadline drops the socket itself.
      const deadline = setTimeout(() => {
        mqtt.stream?.destroy();
        resolve();
      }, DISCONNECT_TIMEOUT_MS);
      mqtt.end(false, {}, () => {
        clearTimeout(deadline);
        resolve();
      });
    });
    failInflight(new Error('disconnected'));
  }

  function failInflight(err: Error): void {
    for (const reject of inflight) reject(err);
    inflight.clear();
  }

  function current(): Promise<MqttClient> {
    if (connected && client) return Promise.resolve(client);
    if (!wanted) return Promise.reject(new Error(`device ${options.deviceId} is not connected`));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  async function renewToken(): Promise<void> {
    // While offline the recovery loop is dialling with a fresh token already; a second dial would
    // take the session over from it.
    if (!wanted || !connected) return;
    clearTimeout(renewTimer);
    const old = client;
    emit({ type: 'disconnected', cause: 'renewal' });
    await end(old);
    try {
      const { mqtt, sessionPresent } = await dial();
      adopt(mqtt, 'renewal', sessionPresent);
    } catch (err) {
      emit({ type: 'disconnected', cause: 'lost', error: String(err) });
      void recover();
    }
  }

  return {
    get isConnected() {
      return connected;
    },
    async open() {
      wanted = true;
      const started = now();
      for (let attempt = 0; ; attempt++) {
        try {
          const { mqtt, sessionPresent } = await dial();
          if (!wanted) {
            mqtt.end(true);
            throw new Error(`device ${options.deviceId} was disconnected while connecting`);
          }
          adopt(mqtt, 'open', sessionPresent);
          return;
        } catch (err) {
          const retryable = err instanceof ErrorWithReasonCode && err.code === CONNACK_SERVER_UNAVAILABLE;
          if (!retryable || !wanted || now() - started > OPEN_RETRY_BUDGET_MS) {
            wanted = false;
            throw err;
          }
          await sleep(retryDelayMs(attempt));
        }
      }
    },
    async subscribe(filter, qos) {
      const mqtt = await current();
      try {
        const [grant] = await mqtt.subscribeAsync(filter, { qos });
        return grant?.qos ?? 0x80;
      } catch (err) {
        // mqtt.js 5 rejects a 0x80 grant; the SDK's mqtt.js 4 accepted it silently (§2.10).
        if ((err as { code?: unknown }).code === 0x80) return 0x80;
        throw err;
      }
    },
    async publish(topic, payload, qos) {
      const mqtt = await current();
      await new Promise<void>((resolve, reject) => {
        inflight.add(reject);
        mqtt.publish(topic, payload, { qos, retain: false }, (err) => {
          inflight.delete(reject);
          if (err) reject(err);
          else resolve();
        });
      });
    },
    renewToken,
    async disconnect() {
      wanted = false;
      clearTimeout(renewTimer);
      const pending = waiters;
      waiters = [];
      for (const w of pending) w.reject(new Error(`device ${options.deviceId} disconnected`));
      const wasConnected = connected;
      await end(client);
      client = undefined;
      if (wasConnected) emit({ type: 'disconnected', cause: 'disconnect' });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
