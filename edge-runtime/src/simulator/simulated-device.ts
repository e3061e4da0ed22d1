/**
 * A simulated device app on the IoT Hub MQTT protocol, doing in the SDK's packet order what a typical
 * azure-iot-device app does: getTwin, listen for desired, report, onDeviceMethod, on('message'),
 * sendEvent on a timer (device-protocol.md §2.9).
 */

import { c2dFilter, DESIRED_PATCH_FILTER, METHOD_REQUEST_FILTER, TWIN_RESPONSE_FILTER } from '@outpost/core';
import { applyDesiredConfig, type DeviceConfig, reportedConfig } from './device-config';
import { createDeviceConnection, retryDelayMs } from './device-connection';
import { createDeviceMethods } from './device-methods';
import {
  methodResponseTopic,
  parseC2dTopic,
  parseDesiredPatchTopic,
  parseMethodRequestTopic,
} from './device-topics';
import { FACTORY_RESET_STATUS } from './factory-reset';
import { createListenerSet } from './listener-set';
import { dispatchMethod } from './method-dispatch';
import { createPeriodicTimer } from './periodic-timer';
import { factoryResetPatch, mergePatch } from './reported-state';
import {
  createDeviceStats,
  type SimulatedDevice,
  type SimulatedDeviceEvent,
  type SimulatedDeviceOptions,
} from './simulated-device-types';
import { createSubscriptionSet } from './subscription-set';
import { buildTelemetryMessage, createSensorState, stepSensor, type TelemetryBody } from './telemetry';
import { createTwinClient, isObject, type JsonObject } from './twin-client';

/** Creates a simulated device; nothing happens on the network until start(). */
export function createSimulatedDevice(options: SimulatedDeviceOptions): SimulatedDevice {
  const { deviceId } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const defaults: DeviceConfig = {
    telemetryIntervalMs: options.telemetryIntervalMs ?? 10_000,
    reportIntervalMs: options.reportIntervalMs ?? 300_000,
    logLevel: options.logLevel ?? 'info',
  };
  const stats = createDeviceStats();
  const listeners = createListenerSet<SimulatedDeviceEvent>();
  let config: DeviceConfig = { ...defaults };
  let sensor = createSensorState(random);
  let seq = 0;
  let mirror: JsonObject = {};
  let closed = false;
  let desiredChain: Promise<void> = Promise.resolve();
  let wake: (() => void) | undefined;

  const emit = (event: SimulatedDeviceEvent) => listeners.emit(event);
  const fail = (during: string, err: unknown) => emit({ type: 'failed', during, error: String(err) });

  const connection = createDeviceConnection({
    ...options,
    onMessage: (topic, payload) => onMessage(topic, payload),
    onEvent: (event) => {
      if (event.type === 'connected' && event.cause === 'renewal') stats.tokenRenewals++;
      if (event.type === 'connected' && event.cause === 'recovery') {
        stats.recoveries++;
        // After a drop the SDK re-subscribes methods and C2D only, never the twin topics (§1.8).
        const filters = [
          [METHOD_REQUEST_FILTER, 0],
          [c2dFilter({ deviceId }), 1],
        ] as const;
        subscriptions.renew(filters).catch((err) => fail('resubscribe', err));
      }
      emit(event);
    },
  });

  const subscriptions = createSubscriptionSet((filter, qos) => connection.subscribe(filter, qos));

  const twin = createTwinClient({
    publish: (topic, payload) => connection.publish(topic, payload, 0),
    ensureResponses: async () => {
      await subscriptions.once(TWIN_RESPONSE_FILTER, 0);
    },
    ...(options.twinTimeoutMs === undefined ? {} : { timeoutMs: options.twinTimeoutMs }),
  });

  async function report(patch: JsonObject): Promise<number | undefined> {
    const version = await twin.patchReported(patch);
    // Like the SDK, merge only after the hub accepted the patch (§2.5).
    mirror = mergePatch(mirror, patch);
    stats.reportedPatches++;
    emit(version === undefined ? { type: 'reported', patch } : { type: 'reported', patch, version });
    return version;
  }

  const defaultReported = (): JsonObject => ({
    firmwareVersion: options.firmwareVersion ?? '1.0.0',
    battery: sensor.battery,
    status: 'online',
    ...reportedConfig(defaults),
  });

  const handlers = createDeviceMethods({
    report,
    restart,
    now,
    rebootDelayMs: options.rebootDelayMs ?? 5_000,
    factoryResetDurationMs: options.factoryResetDurationMs ?? 1_000,
    resetToDefaults: () => {
      config = { ...defaults };
      restartTimers();
      return factoryResetPatch(mirror, defaultReported(), [FACTORY_RESET_STATUS]);
    },
  });

  function onMessage(topic: string, payload: Buffer): void {
    if (twin.handle(topic, payload)) return;
    const desired = parseDesiredPatchTopic(topic);
    if (desired) {
      onDesired(payload, desired.version);
      return;
    }
    const method = parseMethodRequestTopic(topic);
    if (method) {
      handleMethod(method.name, method.rid, payload).catch((err) => fail(`method ${method.name}`, err));
      return;
    }
    const c2d = parseC2dTopic(topic, deviceId);
    if (c2d) {
      // mqtt.js has already sent the PUBACK, as the SDK does on receipt (§2.3).
      stats.c2dMessages++;
      emit({ type: 'c2dReceived', body: payload.toString('utf8'), ...c2d });
    }
  }

  function onDesired(payload: Buffer, version: number | undefined): void {
    let patch: unknown;
    try {
      patch = JSON.parse(payload.toString('utf8'));
    } catch {
      fail('desired', new Error('desired patch is not JSON'));
      return;
    }
    if (!isObject(patch)) {
      fail('desired', new Error('desired patch is not an object'));
      return;
    }
    stats.desiredPatches++;
    emit(
      version === undefined
        ? { type: 'desiredReceived', patch }
        : { type: 'desiredReceived', patch, version },
    );
    // Applied in arrival order, one at a time, so configStatus.version only moves forward.
    desiredChain = desiredChain.then(() => applyDesired(patch, 'patch')).catch((err) => fail('desired', err));
  }

  async function handleMethod(name: string, rid: string, body: Buffer): Promise<void> {
    stats.methodCalls++;
    const failMethods = options.failMethods ?? [];
    const outcome = await dispatchMethod(name, body, handlers, { failMethods });
    const text = outcome.payload === undefined ? '' : JSON.stringify(outcome.payload);
    try {
      await connection.publish(methodResponseTopic(outcome.status, rid), text, 0);
      emit({ type: 'methodInvoked', name, status: outcome.status, payload: outcome.payload });
    } catch (err) {
      fail(`method ${name} response`, err);
    }
    // The device carries on with a reboot even if its answer was lost, and the gate must reopen.
    if (outcome.after) await outcome.after();
  }

  async function applyDesired(desired: JsonObject, mode: 'full' | 'patch'): Promise<void> {
    const applied = applyDesiredConfig(config, defaults, desired, mode);
    const changed = JSON.stringify(applied.config) !== JSON.stringify(config);
    config = applied.config;
    if (changed) restartTimers();
    await report(applied.reported);
  }

  async function boot(): Promise<void> {
    // A boot is a fresh app process: its SDK state machines start with nothing subscribed.
    subscriptions.reset();
    await connection.open();
    const current = await twin.get();
    await subscriptions.once(DESIRED_PATCH_FILTER, 0);
    // The SDK replaces its cached properties with the GET result (§2.4).
    mirror = mergePatch({}, current.reported);
    const applied = applyDesiredConfig(config, defaults, current.desired, 'full');
    config = applied.config;
    await report({ ...defaultReported(), ...applied.reported });
    await subscriptions.once(METHOD_REQUEST_FILTER, 0);
    await subscriptions.once(c2dFilter({ deviceId }), 1);
    stats.boots++;
    restartTimers();
    emit({ type: 'booted', twin: current });
  }

  async function restart(downtimeMs: number): Promise<void> {
    stopTimers();
    await connection.disconnect();
    for (let attempt = 0; !closed; attempt++) {
      await pause(attempt === 0 ? downtimeMs : retryDelayMs(attempt));
      if (closed) break;
      try {
        await boot();
        return;
      } catch (err) {
        fail('reboot', err);
        await connection.disconnect();
      }
    }
    throw new Error(`device ${deviceId} was closed during its reboot`);
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function sendTelemetry(): Promise<TelemetryBody> {
    sensor = stepSensor(sensor, random);
    const message = buildTelemetryMessage(deviceId, ++seq, sensor, now());
    try {
      await connection.publish(message.topic, message.payload, 1);
    } catch (err) {
      stats.telemetryFailed++;
      throw err;
    }
    stats.telemetrySent++;
    emit({ type: 'telemetrySent', body: message.body });
    return message.body;
  }

  const isOnline = () => connection.isConnected;
  const telemetryTimer = createPeriodicTimer(sendTelemetry, isOnline, (err) => fail('telemetry', err));
  const reportTimer = createPeriodicTimer(
    () => report({ battery: sensor.battery, status: 'online' }),
    isOnline,
    (err) => fail('report', err),
  );

  function restartTimers(): void {
    if (closed) {
      stopTimers();
      return;
    }
    // The first message comes at a random point of the period, so a fleet does not publish in lockstep.
    const period = config.telemetryIntervalMs;
    telemetryTimer.start(period, Math.floor(random() * period));
    reportTimer.start(config.reportIntervalMs, config.reportIntervalMs);
  }

  function stopTimers(): void {
    telemetryTimer.stop();
    reportTimer.stop();
  }

  return {
    deviceId,
    stats,
    get config() {
      return config;
    },
    get reported() {
      return mirror;
    },
    get isConnected() {
      return connection.isConnected;
    },
    async start() {
      closed = false;
      try {
        await boot();
      } catch (err) {
        // A half-booted device holds a socket and maybe timers; leave nothing behind.
        stopTimers();
        await connection.disconnect();
        throw err;
      }
    },
    sendTelemetry,
    getTwin: () => twin.get(),
    reportProperties: report,
    renewToken: () => connection.renewToken(),
    onEvent: (listener) => listeners.add(listener),
    async close() {
      closed = true;
      stopTimers();
      wake?.();
      await connection.disconnect();
    },
  };
}
