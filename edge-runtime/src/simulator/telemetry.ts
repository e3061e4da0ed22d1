/** The simulated sensor readings and the telemetry message built from them (device-protocol.md §2.2). */
import { randomUUID } from 'node:crypto';
import { telemetryTopic } from './device-topics';

/** The sensor a simulated device carries. */
export interface SensorState {
  temperature: number;
  humidity: number;
  /** Percent, 0..100. */
  battery: number;
}

/** The JSON body of one telemetry message. */
export interface TelemetryBody {
  seq: number;
  temperature: number;
  humidity: number;
  battery: number;
  /** ISO time the reading was taken. */
  timestamp: string;
}

/** One telemetry PUBLISH: QoS 1, topic with the property bag, JSON body. */
export interface TelemetryMessage {
  topic: string;
  payload: string;
  body: TelemetryBody;
}

/** Above this a message carries `temperatureAlert=true`, so routes and queries have something to match. */
export const TEMPERATURE_ALERT = 30;

/** A plausible starting point: room temperature, mid humidity, a battery between 60 and 100 %. */
export function createSensorState(random: () => number = Math.random): SensorState {
  return {
    temperature: round(19 + random() * 6),
    humidity: round(35 + random() * 30),
    battery: round(60 + random() * 40),
  };
}

/** Moves the readings one step (bounded random walk; the battery drains and is swapped when flat). */
export function stepSensor(state: SensorState, random: () => number = Math.random): SensorState {
  const temperature = clamp(state.temperature + (random() - 0.5) * 1.2, 10, 40);
  const humidity = clamp(state.humidity + (random() - 0.5) * 2, 10, 95);
  const drained = state.battery - 0.05;
  return {
    temperature: round(temperature),
    humidity: round(humidity),
    battery: round(drained < 5 ? 100 : drained),
  };
}

/** The message for one reading, with `$.mid`, `$.ct` and `$.ce` set as an app would set them. */
export function buildTelemetryMessage(
  deviceId: string,
  seq: number,
  state: SensorState,
  now: number,
): TelemetryMessage {
  const body: TelemetryBody = { seq, ...state, timestamp: new Date(now).toISOString() };
  // contentType/contentEncoding let the hub route on the body, as IoT Hub requires for JSON routing.
  const topic = telemetryTopic(
    deviceId,
    { messageId: randomUUID(), contentType: 'application/json', contentEncoding: 'utf-8' },
    { temperatureAlert: String(state.temperature > TEMPERATURE_ALERT), source: 'outpost-simulator' },
  );
  return { topic, payload: JSON.stringify(body), body };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
