/**
 * The configuration pattern: desired `telemetryInterval`, `reportInterval` (seconds) and `logLevel`
 * are applied and acknowledged in reported with `configStatus.version` = the desired `$version`.
 */
import type { JsonObject } from './twin-client';

/** Log levels a simulated device accepts in desired `logLevel`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A level from {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The settings the configuration pattern controls. */
export interface DeviceConfig {
  /** Telemetry period; desired `telemetryInterval` is in seconds. */
  telemetryIntervalMs: number;
  /** Period of the battery/status report; 0 turns it off. Desired `reportInterval` is in seconds. */
  reportIntervalMs: number;
  logLevel: LogLevel;
}

/** The outcome of applying desired properties. */
export interface AppliedConfig {
  config: DeviceConfig;
  /** The reported patch that acknowledges it: the effective settings plus `configStatus`. */
  reported: JsonObject;
}

// Below 100 ms a fleet would flood the hub by accident; above a day the device looks dead.
const MIN_SECONDS = 0.1;
const MAX_SECONDS = 86_400;

/**
 * Applies a desired document (`full`, after a twin GET) or a desired patch (`patch`, §2.6). In a full
 * document a missing key means the default; in a patch it means unchanged, and `null` means deleted,
 * that is back to the default. Invalid values reject the whole change (configStatus `error`).
 */
export function applyDesiredConfig(
  current: DeviceConfig,
  defaults: DeviceConfig,
  desired: JsonObject,
  mode: 'full' | 'patch',
): AppliedConfig {
  const base = mode === 'full' ? defaults : current;
  const next: DeviceConfig = { ...base };
  const problems: string[] = [];
  const pick = (key: string): unknown => desired[key];

  const telemetry = pick('telemetryInterval');
  if (telemetry === null) next.telemetryIntervalMs = defaults.telemetryIntervalMs;
  else if (telemetry !== undefined) {
    const ms = secondsToMs(telemetry, false);
    if (ms === undefined) problems.push(`telemetryInterval must be ${MIN_SECONDS} to ${MAX_SECONDS} seconds`);
    else next.telemetryIntervalMs = ms;
  }
  const report = pick('reportInterval');
  if (report === null) next.reportIntervalMs = defaults.reportIntervalMs;
  else if (report !== undefined) {
    const ms = secondsToMs(report, true);
    if (ms === undefined)
      problems.push(`reportInterval must be 0 or ${MIN_SECONDS} to ${MAX_SECONDS} seconds`);
    else next.reportIntervalMs = ms;
  }
  const level = pick('logLevel');
  if (level === null) next.logLevel = defaults.logLevel;
  else if (level !== undefined) {
    if (!LOG_LEVELS.includes(level as LogLevel))
      problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
    else next.logLevel = level as LogLevel;
  }

  const version = typeof desired.$version === 'number' ? desired.$version : undefined;
  const config = problems.length === 0 ? next : current;
  const configStatus: JsonObject =
    problems.length === 0
      ? { status: 'applied', version: version ?? null, message: null }
      : { status: 'error', version: version ?? null, message: problems.join('; ') };
  return { config, reported: { ...reportedConfig(config), configStatus } };
}

/** The settings as reported properties, in seconds like the desired ones. */
export function reportedConfig(config: DeviceConfig): JsonObject {
  return {
    telemetryInterval: config.telemetryIntervalMs / 1000,
    reportInterval: config.reportIntervalMs / 1000,
    logLevel: config.logLevel,
  };
}

function secondsToMs(value: unknown, allowZero: boolean): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (allowZero && value === 0) return 0;
  if (value < MIN_SECONDS || value > MAX_SECONDS) return undefined;
  return Math.round(value * 1000);
}
