/**
 * A bare aedes broker (no auth, no hub): MQTT over TLS with the hub's certificate, and plain TCP, on
 * loopback; and a bare HTTPS → MQTT method relay on it, built on aedes's public publish/subscribe.
 */
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { Aedes } from 'aedes';

/** A running bare broker. */
export interface BareBroker {
  /** `mqtts://127.0.0.1:port`, served with the hub's server certificate. */
  mqtts: string;
  /** `mqtt://127.0.0.1:port`. */
  mqtt: string;
  /** `https://127.0.0.1:port`: the bare method relay ({@link methodRelay}). */
  https: string;
  /** Clients connected now. */
  connectedClients(): number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with an ephemeral port; `close()` also destroys the connections it holds. */
async function listen(server: net.Server): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Starts bare aedes with `server.pem`/`server-key.pem` of the hub's TLS dir, TLS options as the hub's listener. */
export async function startBareBroker(tlsDir: string): Promise<BareBroker> {
  const [cert, key, ca] = await Promise.all(
    ['server.pem', 'server-key.pem', 'ca.pem'].map((f) => readFile(path.join(tlsDir, f), 'utf8')),
  );
  const broker = await Aedes.createBroker();
  const handle = broker.handle.bind(broker);
  // requestCert as the hub does, so both handshakes carry the same messages.
  const secure = await listen(
    tls.createServer({ cert, key, ca: [ca!], requestCert: true, rejectUnauthorized: false }, handle),
  );
  const plain = await listen(net.createServer(handle));
  const relay = await listen(
    https.createServer(
      { cert, key, ca: [ca!], requestCert: true, rejectUnauthorized: false },
      await methodRelay(broker),
    ),
  );
  return {
    mqtts: `mqtts://127.0.0.1:${secure.port}`,
    mqtt: `mqtt://127.0.0.1:${plain.port}`,
    https: `https://127.0.0.1:${relay.port}`,
    connectedClients: () => broker.connectedClients,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all([secure.close(), plain.close(), relay.close()]);
    },
  };
}

/** Calls to this device id are answered by the relay itself at once: HTTPS alone, without MQTT. */
export const HTTPS_ECHO_DEVICE = 'https-echo';

/** The bare relay's request topic prefix (the bench's answering device subscribes to it) and answer filter. */
const RELAY_REQUESTS = 'bench/methods/POST/';
const RELAY_ANSWERS = 'bench/methods/res/#';

/**
 * A bare HTTPS front on aedes for a direct method, as the reference for the hub's
 * `POST /twins/{id}/methods`: read the JSON body, publish the payload to the device at QoS 0 with a
 * request id, and answer `{status, payload}` when the device's reply comes back. No authentication,
 * no validation, no registry, no timeouts, no logging: everything the hub adds is missing on purpose.
 * It goes through aedes's public publish/subscribe (the hub sends to the one device connection
 * instead). Calls to {@link HTTPS_ECHO_DEVICE} are answered at once: the cost of HTTPS alone.
 */
async function methodRelay(broker: Aedes): Promise<http.RequestListener> {
  const pending = new Map<string, http.ServerResponse>();
  let next = 0;
  await new Promise<void>((resolve) => {
    broker.subscribe(
      RELAY_ANSWERS,
      (packet, done) => {
        // bench/methods/res/{status}/?$rid={rid}
        const topic = packet.topic;
        const rid = topic.slice(topic.indexOf('$rid=') + 5);
        const res = pending.get(rid);
        if (res) {
          pending.delete(rid);
          const status = Number(topic.split('/')[3]);
          const payload = packet.payload.length ? packet.payload.toString('utf8') : 'null';
          const body = `{"status":${status},"payload":${payload}}`;
          res.writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        }
        done();
      },
      resolve,
    );
  });
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { methodName, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        methodName: string;
        payload: unknown;
      };
      if (req.url?.startsWith(`/twins/${HTTPS_ECHO_DEVICE}/`)) {
        // The HTTP floor: answered at once, no MQTT leg at all.
        const body = JSON.stringify({ status: 200, payload: payload ?? null });
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      const rid = `r${(next++).toString(36)}`;
      pending.set(rid, res);
      broker.publish(
        {
          cmd: 'publish',
          topic: `${RELAY_REQUESTS}${methodName}/?$rid=${rid}`,
          payload: Buffer.from(JSON.stringify(payload ?? null)),
          qos: 0,
          retain: false,
          dup: false,
        },
        () => undefined,
      );
    });
  };
}
