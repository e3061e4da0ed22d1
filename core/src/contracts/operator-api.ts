/**
 * JSON shapes of Outpost's own API (`/api/v1/…`) that clients read: the runtime's routes answer
 * them and the operator UI and CLI type their reads with them, so the two cannot drift.
 */

/** `GET /api/v1/hub`: the hub an operator is signed in to. */
export interface HubInfo {
  hubId: string;
  version: string;
  hostName: string;
  hostAliases: string[];
  ports: { https: number; mqtts: number; mqttPlain?: number };
  /** The endpoints devices and back ends use. */
  urls: { https: string; mqtts: string; mqttWs: string };
  startedAt: string;
  devices: number;
  lastSeq: number;
  store: { bytes: number; lastSeq: number };
  telemetryQueue: { bytes: number; budgetBytes: number; records: number; dropped: number };
}

/** One telemetry message as an event of `GET /api/v1/telemetry/stream`. */
export interface TelemetryEvent {
  seq: number;
  deviceId: string;
  moduleId?: string;
  enqueuedTime: string;
  systemProperties: Record<string, string>;
  properties: Record<string, string>;
  /** UTF-8 text when the body is valid UTF-8, base64 otherwise. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}
