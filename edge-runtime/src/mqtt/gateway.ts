/**
 * The MQTT device gateway (device-protocol.md §5): aedes with IoT Hub authentication, per-identity
 * authorization, the twin, direct methods and telemetry, and the hub's DeviceLink. It exists before
 * the hub does and answers CONNACK 3 until `attach` (and again from `stop`), the one refusal the
 * SDK retries (§1.8, pitfall 2).
 */
import type { Duplex } from 'node:stream';
import {
  classifySubscription,
  type DeviceLink,
  type Hub,
  HubError,
  type Logger,
  type SubscriptionKind,
  type TelemetrySink,
} from '@outpost/core';
import type { Client, Subscription } from 'aedes';
import { AuthFailure, authenticateDevice } from './authenticate';
import { type BrokerListeners, ConnectRefused, closeBroker, createBroker, discardQueued } from './broker';
import { createC2dDeliveries } from './c2d-deliveries';
import { createDeviceLink } from './device-link';
import { createMethodCalls } from './method-calls';
import { createPublishRouter, type PublishRouter } from './publish-router';
import { createSessionRegistry, type Session } from './sessions';
import { createGatewayStats, type GatewayStats } from './stats';
import { type Transport, tagConnection, transportOf } from './transport';
import { createTwinHandler, type TwinHandler } from './twin-handler';

/** What the gateway is built from. */
export interface MqttGatewayOptions {
  /** The hub's host name and aliases: accepted in the username and the SAS `sr`. */
  hostNames: readonly string[];
  skewSeconds: number;
  /** Where telemetry goes; PUBACK waits for its `append`. */
  telemetrySink: TelemetrySink;
  logger: Logger;
}

/** The running gateway. */
export interface MqttGateway {
  /** The hub's link to connected devices (offline until `attach`). */
  readonly link: DeviceLink;
  /** Serves a new device connection. */
  handle(conn: Duplex, transport: Transport): void;
  /** Starts serving devices of `hub`. */
  attach(hub: Hub): void;
  /** A copy of the counters. */
  stats(): GatewayStats;
  /** Refuses new connections (CONNACK 3), fails pending calls and closes every connection. */
  stop(): Promise<void>;
}

// setTimeout cannot wait longer than 2^31 - 1 ms (about 24.8 days); longer tokens get no timer.
const MAX_TIMER_MS = 2 ** 31 - 1;
const ALL_OFF = { desired: false, methods: false, c2d: false };

/** Creates the gateway and its broker. */
export async function createMqttGateway(options: MqttGatewayOptions): Promise<MqttGateway> {
  const { logger } = options;
  const stats = createGatewayStats();
  const sessions = createSessionRegistry();
  const methods = createMethodCalls(stats);
  const c2d = createC2dDeliveries();
  let hub: Hub | undefined;
  let twin: TwinHandler | undefined;
  let route: PublishRouter | undefined;
  let stopping = false;
  const unsubscribe: (() => void)[] = [];

  const activity = (session: Session) => hub?.connections.activity(session.deviceId, session.moduleId);
  const setIntent = (
    session: Session,
    flags: Partial<Record<Exclude<SubscriptionKind, 'twinResponses'>, boolean>>,
  ) =>
    hub?.subscriptionIntents.update(session.deviceId, session.moduleId, flags).catch((err: unknown) => {
      // The grant stands: the intent still holds in memory, only its survival of a restart is lost.
      logger.error('storing a subscription intent failed', { device: session.key, error: String(err) });
    });

  const drop = (client: Client, reason: string) => {
    if (client.closed) return;
    stats.connectionsDropped++;
    logger.info('closing a device connection', { device: sessions.session(client)?.key, reason });
    client.close();
  };

  const release = (client: Client) => {
    const removed = sessions.remove(client);
    if (!removed) return;
    const { session, last } = removed;
    stats.connectionsOpen = sessions.size();
    c2d.closed(client);
    if (last) hub?.connections.disconnected(session.deviceId, session.moduleId);
    // A clean session ends with its connection (MQTT 3.1.1 §3.1.2.4); the SDK never asks for one.
    if (session.clean) void setIntent(session, ALL_OFF);
    // The durable C2D queue re-sends what was not acknowledged; aedes must not re-send it too.
    else discardQueued(client);
  };

  const authenticate = async (client: Client, username: string | undefined, password: Buffer | undefined) => {
    if (!hub || stopping) {
      stats.connectsUnavailable++;
      throw new ConnectRefused(3, 'the hub is starting or stopping');
    }
    const transport = transportOf(client.conn);
    let identity: ReturnType<typeof authenticateDevice>;
    try {
      identity = authenticateDevice(
        { clientId: client.id, username, password, peer: transport.peer },
        { hub, hostNames: options.hostNames, skewSeconds: options.skewSeconds },
      );
    } catch (err) {
      stats.connectsRefused++;
      const reason = err instanceof AuthFailure ? err.reason : String(err);
      logger.info('device connection refused', { clientId: client.id.slice(0, 300), reason });
      throw new ConnectRefused(5, reason);
    }
    const session = sessions.bind(client, { ...identity, transport: transport.kind, clean: client.clean });
    client.conn.once('close', () => release(client));
    if (identity.expiresAtMs !== undefined) {
      const wait = identity.expiresAtMs - hub.clock.now();
      if (wait < MAX_TIMER_MS) {
        session.expiryTimer = setTimeout(() => drop(client, 'the SAS token expired'), Math.max(0, wait));
        session.expiryTimer.unref();
      }
    }
    if (client.clean) await setIntent(session, ALL_OFF);
    stats.connectsAccepted++;
    stats.connectionsOpen = sessions.size();
  };

  const authorizeSubscribe = async (client: Client, sub: Subscription): Promise<Subscription | null> => {
    const session = sessions.session(client);
    if (!session) return null;
    activity(session);
    const kind = classifySubscription(sub.topic, session);
    if (!kind) {
      stats.subscribesDenied++;
      logger.debug('subscription refused', { device: session.key, filter: sub.topic.slice(0, 300) });
      return null;
    }
    // Durable before the SUBACK: a granted subscription survives a restart right away.
    if (kind !== 'twinResponses') await setIntent(session, { [kind]: true });
    return sub;
  };

  // Not async: the router's promise is handed on as it is (one frame less per message).
  const authorizePublish = (client: Client, packet: Parameters<PublishRouter>[2]): Promise<void> => {
    const session = sessions.session(client);
    // A closed client here is aedes publishing its Will: IoT Hub devices have none to send.
    if (!session || !route || client.closed) {
      return Promise.reject(new Error('not an authenticated device connection'));
    }
    try {
      activity(session);
    } catch (err) {
      return Promise.reject(err);
    }
    return route(client, session, packet);
  };

  const listeners: BrokerListeners = {
    ready(client) {
      const session = sessions.session(client);
      if (!session || client.closed || !hub) return;
      if (sessions.markReady(client)) hub.connections.connected(session.deviceId, session.moduleId);
      twin?.catchUp(client, session);
    },
    disconnected: release,
    subscribed(client, subs) {
      const session = sessions.session(client);
      if (!session) return;
      // aedes reports refused filters too, with the granted code 0x80 in place of the QoS.
      const granted = subs.filter((s) => (s.qos as number) !== 0x80);
      if (granted.some((s) => classifySubscription(s.topic, session) === 'desired'))
        twin?.catchUp(client, session);
    },
    unsubscribed(client, topics) {
      const session = sessions.session(client);
      if (!session) return;
      const kinds = topics.map((t) => classifySubscription(t, session));
      const flags = Object.fromEntries(
        kinds.filter((k) => k && k !== 'twinResponses').map((k) => [k, false]),
      );
      if (Object.keys(flags).length > 0) void setIntent(session, flags);
    },
    acked(client) {
      c2d.acked(client);
      const session = sessions.session(client);
      if (session) activity(session);
    },
    pinged(client) {
      const session = sessions.session(client);
      if (session) activity(session);
    },
    failed(client, err) {
      stats.connectionErrors++;
      logger.debug('device connection failed', { clientId: client.id?.slice(0, 300), error: String(err) });
    },
  };

  const broker = await createBroker({ authenticate, authorizeSubscribe, authorizePublish }, listeners);

  const dropDevice = (deviceId: string, reason: string, policyName?: string) => {
    for (const [client, session] of sessions.entries()) {
      const match =
        policyName !== undefined ? session.policyName === policyName : session.deviceId === deviceId;
      if (match) drop(client, reason);
    }
  };

  return {
    link: createDeviceLink({
      sessions,
      methods,
      c2d,
      intents: () => hub?.subscriptionIntents,
    }),
    handle(conn, transport) {
      tagConnection(conn, transport);
      broker.handle(conn);
    },
    attach(attached) {
      hub = attached;
      twin = createTwinHandler({ hub: attached, stats, logger });
      route = createPublishRouter({
        twin,
        methods,
        sink: options.telemetrySink,
        stats,
        logger,
        now: () => attached.clock.now(),
      });
      const owner = 'mqtt-gateway';
      const { events } = attached;
      unsubscribe.push(
        events.on('twinDesiredChanged', owner, (change) =>
          twin?.desiredChanged(change, sessions.clients(change.id)),
        ),
        events.on('deviceUpdated', owner, (change) => {
          const patch = (change.patch ?? {}) as Record<string, unknown>;
          // New credentials or a disabled device end the live connection at once (the old token
          // or certificate must stop working now, not at its next reconnect).
          if (patch.status === 'disabled') dropDevice(change.id, 'the device was disabled');
          else if (patch.keysRotated || 'authenticationType' in patch || 'x509Thumbprint' in patch) {
            dropDevice(change.id, 'the device credentials changed');
          }
        }),
        events.on('deviceDeleted', owner, (change) => dropDevice(change.id, 'the device was deleted')),
        events.on('policyKeysChanged', owner, (change) =>
          dropDevice('', 'the policy keys changed', change.id),
        ),
      );
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopping = true;
      for (const off of unsubscribe.splice(0)) off();
      methods.failAll(new HubError('SERVICE_UNAVAILABLE', 'The hub is stopping.'));
      await closeBroker(broker);
    },
  };
}
