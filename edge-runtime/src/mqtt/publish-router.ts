/**
 * What a device's PUBLISH does (device-protocol.md §2, §5 items 6–12). Called from aedes'
 * `authorizePublish`, before aedes writes the PUBACK: a QoS 1 telemetry message is acknowledged
 * only once the sink has it. Twin and method traffic is QoS 0 and answered on the connection
 * itself, never routed. A topic outside the identity's own set closes the connection, as IoT Hub
 * does: MQTT 3.1.1 cannot refuse a single PUBLISH, and a device that writes to another device's
 * topics is broken or hostile.
 */
import { type Logger, parseDevicePublish, parsePropertyBag, type TelemetrySink } from '@outpost/core';
import type { Client, PublishPacket } from 'aedes';
import type { MethodCalls } from './method-calls';
import type { Session } from './sessions';
import type { GatewayStats } from './stats';
import { MAX_TELEMETRY_BYTES, toRawTelemetryMessage, toTelemetryMessage } from './telemetry';
import type { TwinHandler } from './twin-handler';

/** Refuses a PUBLISH by closing its connection. */
export class PublishRefused extends Error {}

/** Handles one PUBLISH; resolves when it may be acknowledged, throws PublishRefused to close. */
export type PublishRouter = (client: Client, session: Session, packet: PublishPacket) => Promise<void>;

/** Creates the router. */
export function createPublishRouter(deps: {
  twin: TwinHandler;
  methods: MethodCalls;
  sink: TelemetrySink;
  stats: GatewayStats;
  logger: Logger;
  now: () => number;
}): PublishRouter {
  const { twin, methods, sink, stats, logger } = deps;

  const refuse = (session: Session, why: string): never => {
    logger.warn('publish refused, closing the connection', { device: session.key, reason: why });
    throw new PublishRefused(why);
  };

  const accepted = () => {
    stats.telemetryAccepted++;
  };

  // Not async: the telemetry path chains one handler onto the sink's promise instead of adding
  // async frames per message; a refusal still surfaces as a rejected promise.
  return (client, session, packet) => {
    try {
      return route(client, session, packet);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  function route(client: Client, session: Session, packet: PublishPacket): Promise<void> {
    const what = parseDevicePublish(packet.topic, session);
    if (!what) {
      stats.publishesDenied++;
      return refuse(session, 'topic outside the identity');
    }
    // IoT Hub disconnects QoS 2 publishes (§2.2); the SDK never sends one.
    if (packet.qos === 2) {
      stats.publishesDenied++;
      return refuse(session, 'QoS 2 is not supported');
    }
    const body = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const retain = packet.retain;
    // Nothing a device sends is kept for later subscribers (the broker routes nothing anyway).
    packet.retain = false;
    switch (what.kind) {
      case 'twinGet':
        void twin.get(client, session, what.rid);
        return DONE;
      case 'reportedPatch':
        void twin.patchReported(client, session, what.rid, body);
        return DONE;
      case 'methodResponse':
        if (what.rid !== undefined) methods.answer(session.key, what.rid, what.status, body);
        return DONE;
      case 'telemetry': {
        if (body.length > MAX_TELEMETRY_BYTES) {
          stats.telemetryRefused++;
          return refuse(session, `telemetry body of ${body.length} bytes exceeds ${MAX_TELEMETRY_BYTES}`);
        }
        // A sink storing the bag raw parses it when read, not once per message here.
        const appended = sink.appendRaw
          ? sink.appendRaw(toRawTelemetryMessage(session, what.bag, body, deps.now(), retain))
          : sink.append(toTelemetryMessage(session, parsePropertyBag(what.bag), body, deps.now(), retain));
        return appended.then(accepted, (err: unknown) => {
          // No PUBACK: the device re-sends after it reconnects, so nothing acknowledged is lost.
          stats.telemetryRefused++;
          logger.error('telemetry sink failed', { device: session.key, error: String(err) });
          throw new PublishRefused('the telemetry sink failed');
        });
      }
    }
  }
}

const DONE: Promise<void> = Promise.resolve();
