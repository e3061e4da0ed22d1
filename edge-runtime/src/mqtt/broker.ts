/**
 * The aedes adapter: the one place where aedes callbacks are wrapped; everything past it is
 * async/await. Hub-to-device traffic never uses broker fan-out: every packet goes to one client
 * (`sendToClient`), and `authorizeForward` drops anything else, so device A can never receive a
 * packet meant for device B even though every device subscribes the same `$iothub/…` filters
 * (device-protocol.md §5 item 12).
 */
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';

/** Refuses a CONNECT: 3 (server unavailable, the SDK retries) or 5 (not authorized, final). */
export class ConnectRefused extends Error {
  constructor(
    readonly returnCode: 3 | 5,
    message: string,
  ) {
    super(message);
  }
}

/** The async hooks the gateway implements. */
export interface BrokerHooks {
  /** Resolves to accept the CONNECT; throws ConnectRefused (anything else counts as 5). */
  authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<void>;
  /** Resolves the subscription to grant, or null for 0x80. */
  authorizeSubscribe(client: Client, sub: Subscription): Promise<Subscription | null>;
  /**
   * Resolves once the packet is handled; only then does aedes send the PUBACK of a QoS 1 publish.
   * Throwing closes the connection (MQTT 3.1.1 has no negative PUBACK, §2.2).
   */
  authorizePublish(client: Client, packet: PublishPacket): Promise<void>;
}

/** What the broker reports about clients. */
export interface BrokerListeners {
  /** CONNACK 0 was sent (and the queued session delivered). */
  ready(client: Client): void;
  /** An authenticated client's connection ended. */
  disconnected(client: Client): void;
  /** SUBACK was sent for these granted subscriptions. */
  subscribed(client: Client, subs: Subscription[]): void;
  /** The client unsubscribed (by an UNSUBSCRIBE, not by its connection closing). */
  unsubscribed(client: Client, topics: string[]): void;
  /** The client acknowledged a QoS 1 packet (PUBACK). */
  acked(client: Client): void;
  /** The client sent a PINGREQ. */
  pinged(client: Client): void;
  /** A connection failed (protocol error, socket error, keep-alive expiry). */
  failed(client: Client, err: Error): void;
}

/** The clientId stamped on packets the hub sends; ids cannot hold NUL, so no device has it. */
const HUB_SENDER = '\u0000outpost-hub';

/** Creates and starts an aedes broker wired to the hooks and listeners. */
export async function createBroker(hooks: BrokerHooks, on: BrokerListeners): Promise<Aedes> {
  const broker = await Aedes.createBroker({
    // Device ids reach 128 characters and modules add as many again ("device/module").
    maxClientsIdLength: 257,
    authenticate(client, username, password, done) {
      hooks.authenticate(client, username, password).then(
        () => done(null, true),
        (err: unknown) => {
          const code = err instanceof ConnectRefused ? err.returnCode : 5;
          const refusal = Object.assign(new Error(err instanceof Error ? err.message : 'refused'), {
            returnCode: code,
          }) as AuthenticateError;
          done(refusal, false);
        },
      );
    },
    authorizeSubscribe(client, sub, done) {
      hooks.authorizeSubscribe(client, sub).then(
        (granted) => done(null, granted),
        () => done(null, null),
      );
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(new Error('the hub publishes only through sendToClient'));
      hooks.authorizePublish(client, packet).then(
        () => done(null),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
    },
    authorizeForward(_client, packet) {
      return (packet as { clientId?: string }).clientId === HUB_SENDER ? packet : null;
    },
  });
  endDevicePublishesAtTheHub(broker);
  broker.on('clientReady', (client) => on.ready(client));
  broker.on('clientDisconnect', (client) => on.disconnected(client));
  broker.on('subscribe', (subs, client) => on.subscribed(client, subs));
  broker.on('unsubscribe', (topics, client) => {
    // aedes also reports the unsubscriptions a closing connection implies; those are no intent.
    if (!client.closed) on.unsubscribed(client, topics);
  });
  broker.on('ack', (_packet, client) => on.acked(client));
  broker.on('ping', (_packet, client) => on.pinged(client));
  broker.on('clientError', (client, err) => on.failed(client, err));
  broker.on('connectionError', (client, err) => on.failed(client, err));
  return broker;
}

type Publish = (packet: PublishPacket, client: Client | null, done?: (err?: Error | null) => void) => void;

/**
 * A device's PUBLISH ends at the hub: `authorizePublish` has handled it (telemetry into the outbox,
 * twin and method answers to their waiters) before aedes acknowledges it, and `authorizeForward`
 * would drop it for every subscriber. So aedes's fan-out pipeline after the PUBACK (retained store,
 * offline-session enqueue, topic matching, delivery attempts) is skipped for packets of a client;
 * the broker's own packets (`$SYS/…`) still take it. It was half of the broker's CPU per telemetry
 * message (test/bench/mqtt).
 */
function endDevicePublishesAtTheHub(broker: Aedes): void {
  const target = broker as unknown as { publish: Publish };
  const fanOut = target.publish.bind(broker);
  target.publish = (packet, client, done) => {
    // aedes calls publish(packet, client, done) for client packets and wills, publish(packet, done) itself.
    if (client !== null && typeof client === 'object') {
      done?.(null);
      return;
    }
    fanOut(packet, client, done);
  };
}

/** Sends one packet to one client; resolves once written (or dropped because it closed). */
export function sendToClient(
  client: Client,
  topic: string,
  payload: string | Buffer,
  qos: 0 | 1 = 0,
): Promise<void> {
  const packet = {
    cmd: 'publish',
    topic,
    payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
    qos,
    dup: false,
    retain: false,
    clientId: HUB_SENDER,
  } as PublishPacket;
  return new Promise((resolve) => client.publish(packet, () => resolve()));
}

/** Drops what aedes queued for a client's session (QoS 1 packets it would re-send on reconnect). */
export function discardQueued(client: Client): void {
  client.emptyOutgoingQueue(() => undefined);
}

/** Closes a broker; resolves when every client is closed. */
export function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()));
}
