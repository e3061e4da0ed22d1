/** The public contract of a simulated device: its options, counters, events and handle. */
import type { DeviceConfig, LogLevel } from './device-config';
import type { ConnectionEvent, DeviceConnectionOptions } from './device-connection';
import type { TelemetryBody } from './telemetry';
import type { DeviceTwin, JsonObject } from './twin-client';

/** Everything a simulated device is made of; only the identity and the URL are required. */
export interface SimulatedDeviceOptions extends Omit<DeviceConnectionOptions, 'onMessage' | 'onEvent'> {
  /** Telemetry period until desired `telemetryInterval` says otherwise; default 10 s, 0 = none. */
  telemetryIntervalMs?: number;
  /** Period of the `{battery, status}` report; default 300 s, 0 = none. */
  reportIntervalMs?: number;
  /** Default `info`; desired `logLevel` overrides it. */
  logLevel?: LogLevel;
  /** Reported `firmwareVersion`; default `1.0.0`. */
  firmwareVersion?: string;
  /** Offline time of a `reboot` without `delay`; default 5 s. */
  rebootDelayMs?: number;
  /** Time between `resetting` and the reset; default 1 s. */
  factoryResetDurationMs?: number;
  /** Methods answered 500 on purpose. */
  failMethods?: readonly string[];
  /** Twin requests fail after this long (the SDK waits forever); default 30 s. */
  twinTimeoutMs?: number;
  /** Source of randomness for readings and jitter. */
  random?: () => number;
}

/** Counters since creation. */
export interface DeviceStats {
  telemetrySent: number;
  telemetryFailed: number;
  reportedPatches: number;
  desiredPatches: number;
  methodCalls: number;
  c2dMessages: number;
  tokenRenewals: number;
  recoveries: number;
  boots: number;
}

/** A past-tense fact about a simulated device. */
export type SimulatedDeviceEvent =
  | ConnectionEvent
  | { type: 'booted'; twin: DeviceTwin }
  | { type: 'telemetrySent'; body: TelemetryBody }
  | { type: 'reported'; patch: JsonObject; version?: number }
  | { type: 'desiredReceived'; patch: JsonObject; version?: number }
  | { type: 'methodInvoked'; name: string; status: number; payload: unknown }
  | {
      type: 'c2dReceived';
      body: string;
      /** `$.mid`, `$.ct` and the other `$.` keys, decoded. */
      systemProperties: Record<string, string>;
      properties: Record<string, string>;
    }
  | { type: 'failed'; during: string; error: string };

/** A simulated device. */
export interface SimulatedDevice {
  readonly deviceId: string;
  readonly stats: Readonly<DeviceStats>;
  /** The settings in effect (configuration pattern). */
  readonly config: Readonly<DeviceConfig>;
  /** The device's copy of its reported properties (twin GET result plus its own accepted patches). */
  readonly reported: Readonly<JsonObject>;
  readonly isConnected: boolean;
  /** Connects and boots: twin GET, desired subscription, first report, methods, C2D, timers. */
  start(): Promise<void>;
  /** Sends one telemetry message now; resolves on PUBACK. */
  sendTelemetry(): Promise<TelemetryBody>;
  /** A twin GET. */
  getTwin(): Promise<DeviceTwin>;
  /** Sends a reported patch; resolves with the new reported `$version` when the hub sends one. */
  reportProperties(patch: JsonObject): Promise<number | undefined>;
  /** Renews the SAS now, as the 45-minute timer would (device-protocol.md §1.5). */
  renewToken(): Promise<void>;
  /** Subscribes to what the device does; returns the unsubscribe function. */
  onEvent(listener: (event: SimulatedDeviceEvent) => void): () => void;
  /** Stops the timers and disconnects; pending work is abandoned. */
  close(): Promise<void>;
}

/** All counters at zero. */
export function createDeviceStats(): DeviceStats {
  return {
    telemetrySent: 0,
    telemetryFailed: 0,
    reportedPatches: 0,
    desiredPatches: 0,
    methodCalls: 0,
    c2dMessages: 0,
    tokenRenewals: 0,
    recoveries: 0,
    boots: 0,
  };
}
