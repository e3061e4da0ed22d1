/** A bare aedes broker (no auth, no hub): MQTT over TLS with the hub's certificate, and plain TCP, on loopback. */
import { readFile } from 'node:fs/promises';
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
  return {
    mqtts: `mqtts://127.0.0.1:${secure.port}`,
    mqtt: `mqtt://127.0.0.1:${plain.port}`,
    connectedClients: () => broker.connectedClients,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all([secure.close(), plain.close()]);
    },
  };
}
