/** The device side of the twin: GET and reported PATCH correlated by `$rid` (device-protocol.md §2.4, §2.5). */
import { randomUUID } from 'node:crypto';
import { parseTwinResponseTopic, reportedPatchTopic, twinGetTopic } from './device-topics';

/** A JSON object as the twin carries it. */
export type JsonObject = { [key: string]: unknown };

/** The device-facing twin document: no `$metadata`, tags or identity (§4). */
export interface DeviceTwin {
  desired: JsonObject;
  reported: JsonObject;
}

/** What the twin client needs from the transport. */
export interface TwinClientOptions {
  publish(topic: string, payload: string): Promise<void>;
  /** Subscribes `$iothub/twin/res/#` once per transport lifetime, before the first request (§2.4). */
  ensureResponses(): Promise<void>;
  /**
   * Fails a request with no answer after this long. The SDK waits forever (§2.4, pitfall 3); a fleet
   * simulator must not hang on one lost response, so it gives up. Default 30 s.
   */
  timeoutMs?: number;
}

/** Twin GET and PATCH for one device. */
export interface TwinClient {
  /** Publishes a GET with a one-space body, as the SDK does (pitfall 8), and resolves with the twin. */
  get(): Promise<DeviceTwin>;
  /** Publishes a reported patch; resolves with the `$version` of the 204 topic when there is one. */
  patchReported(patch: JsonObject): Promise<number | undefined>;
  /** Settles a pending request when `topic` is a twin response; false for any other topic. */
  handle(topic: string, payload: Buffer): boolean;
}

interface Pending {
  kind: 'get' | 'patch';
  resolve(value: { body: unknown; version?: number }): void;
  reject(err: Error): void;
}

/** Creates the twin client; requests survive a reconnect and settle if the answer still comes. */
export function createTwinClient(options: TwinClientOptions): TwinClient {
  const pending = new Map<string, Pending>();
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request(kind: Pending['kind'], topic: (rid: string) => string, body: string) {
    await options.ensureResponses();
    const rid = randomUUID();
    return new Promise<{ body: unknown; version?: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(rid);
        reject(new Error(`twin ${kind} ${rid} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          pending.delete(rid);
          fn(v);
        };
      pending.set(rid, { kind, resolve: settle(resolve), reject: settle(reject) });
      options.publish(topic(rid), body).catch(settle(reject));
    });
  }

  return {
    async get() {
      const { body } = await request('get', twinGetTopic, ' ');
      if (!isObject(body) || !isObject(body.desired) || !isObject(body.reported)) {
        throw new Error('twin GET answer is not {"desired":{…},"reported":{…}}');
      }
      return { desired: body.desired, reported: body.reported };
    },
    async patchReported(patch) {
      const { version } = await request('patch', reportedPatchTopic, JSON.stringify(patch));
      return version;
    },
    handle(topic, payload) {
      const parsed = parseTwinResponseTopic(topic);
      if (!parsed) return false;
      const entry = pending.get(parsed.rid);
      if (!entry) return true;
      const text = payload.toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // The SDK crashes here (pitfall 3); the simulator reports it as a failed request instead.
        entry.reject(new Error(`twin ${entry.kind} answer ${parsed.status} is not JSON`));
        return true;
      }
      // Like the SDK, only an `errorCode` in the body means failure; the status is not trusted (§2.4, §2.5).
      if (isObject(body) && body.errorCode !== undefined) {
        const message = typeof body.message === 'string' ? body.message : 'no message';
        entry.reject(
          new Error(`twin ${entry.kind} failed: ${parsed.status} ${String(body.errorCode)} ${message}`),
        );
        return true;
      }
      if (entry.kind === 'get' && body === undefined) {
        entry.reject(new Error(`twin GET answer ${parsed.status} has an empty body`));
        return true;
      }
      entry.resolve(parsed.version === undefined ? { body } : { body, version: parsed.version });
      return true;
    },
  };
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
