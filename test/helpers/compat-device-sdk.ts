/**
 * The official azure-iot-device SDK (unmodified) as an in-process test device. Only the connection
 * string and `setOptions` (the CA, an X.509 certificate, token lifetimes: the SDK's documented API)
 * differ from a cloud deployment (device-protocol.md §3).
 */
import { Client, Message, type Twin } from 'azure-iot-device';
import { Mqtt, MqttWs } from 'azure-iot-device-mqtt';
import { CLOUD_HOST, DEVICE_PORTS } from './compat-device-hub';

export type SdkTransport = 'Mqtt' | 'MqttWs';
export type SdkCredentials = { kind: 'sas'; key: string } | { kind: 'x509'; certPem: string; keyPem: string };

/** How an SDK device reaches the hub. */
export interface SdkDeviceOptions {
  deviceId: string;
  transport: SdkTransport;
  credentials: SdkCredentials;
  /** The hub's address: GatewayHostName of SAS devices, HostName of X.509 devices. */
  address: string;
  /** The hub CA (PEM). */
  ca: string;
  /** Written into GatewayHostName for `Mqtt` SAS devices (default 8883; MqttWs cannot carry a port). */
  mqttsPort?: number;
  tokenRenewal?: { tokenValidTimeInSeconds: number; tokenRenewalMarginInSeconds: number };
  /**
   * Re-open on the client's `disconnect` event, as Microsoft's `simple_sample_device.js` does. The
   * SDK emits it when it gives up on its own reconnect (e.g. a socket error such as ECONNRESET).
   */
  reopenOnDisconnect?: boolean;
}

/** The connection string a site would give the device (§1.2, §3 step 2–3). */
export function sdkConnectionString(o: SdkDeviceOptions): string {
  if (o.credentials.kind === 'x509') return `HostName=${o.address};DeviceId=${o.deviceId};x509=true`;
  const gateway = o.transport === 'Mqtt' ? `${o.address}:${o.mqttsPort ?? DEVICE_PORTS.mqtts}` : o.address;
  return `HostName=${CLOUD_HOST};DeviceId=${o.deviceId};SharedAccessKey=${o.credentials.key};GatewayHostName=${gateway}`;
}

/** Items arriving over time, and waiting for the first one (past or future) that matches. */
export class Feed<T> {
  readonly items: T[] = [];
  private waiters: { test: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const w of this.waiters.filter((w) => w.test(item))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(item);
    }
  }

  next(test: (item: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
    const found = this.items.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** A running SDK device with every listener an app would register. */
export interface SdkDevice {
  deviceId: string;
  client: Client;
  twin: Twin;
  /** Every `properties.desired` event (the first is the cached desired of the GET). */
  desired: Feed<Record<string, unknown>>;
  /** Every C2D message. */
  messages: Feed<Message>;
  /** The client's `connect` events (one per (re)connection) and `disconnect` / `error` events. */
  connects: Feed<number>;
  problems: string[];
  /** Resolves at the client's `count`-th `connect` event; the timeout error lists the problems seen. */
  connected(count: number, timeoutMs: number): Promise<void>;
  /** Patches reported properties through the SDK's twin. */
  report(patch: Record<string, unknown>): Promise<void>;
  /** `sendEvent` with a messageId, a JSON body and app properties; resolves with the SDK's result name. */
  send(messageId: string, body: unknown, properties?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** The method every test device answers: `echo` returns 200 with its id and the request payload. */
export const ECHO_METHOD = 'echo';

/** Creates the client, opens it, gets the twin and registers desired, method and C2D listeners. */
export async function startSdkDevice(o: SdkDeviceOptions): Promise<SdkDevice> {
  const client = Client.fromConnectionString(sdkConnectionString(o), o.transport === 'Mqtt' ? Mqtt : MqttWs);
  const connects = new Feed<number>();
  const problems: string[] = [];
  client.on('connect', () => connects.push(connects.items.length + 1));
  client.on('disconnect', (r: unknown) => {
    problems.push(`disconnect: ${describe(r)}`);
    if (o.reopenOnDisconnect)
      client.open().catch((err: unknown) => problems.push(`reopen: ${describe(err)}`));
  });
  client.on('error', (err: unknown) => problems.push(`error: ${describe(err)}`));
  await client.setOptions({
    ca: o.ca,
    ...(o.credentials.kind === 'x509' ? { cert: o.credentials.certPem, key: o.credentials.keyPem } : {}),
    ...(o.tokenRenewal ? { tokenRenewal: o.tokenRenewal } : {}),
  });
  try {
    await client.open();
    const twin = await client.getTwin();
    const desired = new Feed<Record<string, unknown>>();
    twin.on('properties.desired', (delta: Record<string, unknown>) => desired.push(delta));
    client.onDeviceMethod(ECHO_METHOD, (request, response) => {
      response.send(200, { deviceId: o.deviceId, payload: request.payload }, () => undefined);
    });
    const messages = new Feed<Message>();
    client.on('message', (msg: Message) => messages.push(msg));
    return {
      deviceId: o.deviceId,
      client,
      twin,
      desired,
      messages,
      connects,
      problems,
      connected: (count, timeoutMs) =>
        connects
          .next((n) => n >= count, `connect #${count}`, timeoutMs)
          .then(
            () => undefined,
            (err: Error) => {
              throw new Error(`${o.deviceId}: ${err.message}; events: ${problems.join(' | ') || 'none'}`);
            },
          ),
      report: (patch) =>
        new Promise<void>((resolve, reject) =>
          twin.properties.reported.update(patch, (err?: Error) => (err ? reject(err) : resolve())),
        ),
      async send(messageId, body, properties = {}) {
        const message = new Message(JSON.stringify(body));
        message.messageId = messageId;
        message.contentType = 'application/json';
        message.contentEncoding = 'utf-8';
        for (const [k, v] of Object.entries(properties)) message.properties.add(k, v);
        const result = await client.sendEvent(message);
        return result?.constructor?.name ?? String(result);
      },
      // Listeners stay: the transport may still report a late error, which must not go uncaught.
      close: () => client.close().then(() => undefined),
    };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const inner = (value as { transportObj?: unknown } | undefined)?.transportObj;
  return inner instanceof Error ? `${inner.name}: ${inner.message}` : String(value);
}
