/**
 * Where devices reach the broker (device-protocol.md §1.1, §3 step 6): MQTT over TLS, MQTT over
 * WebSockets on the HTTPS server at `/$iothub/websocket`, and, only when asked, plain TCP on
 * loopback for a TLS terminator in front of the hub (the SDK itself never speaks plain MQTT).
 */
import type { Server as HttpsServer } from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import tls from 'node:tls';
import type { Logger } from '@outpost/core';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { peerCertificateOf, type Transport } from './transport';

/** Hands a new connection to the gateway. */
export type HandleConnection = (conn: Duplex, transport: Transport) => void;

/** A listening socket server. */
export interface MqttListener {
  port: number;
  /** Stops accepting and destroys the connections it still holds. */
  close(): Promise<void>;
}

/** The WebSocket path the SDK hard-codes (§1.1). */
export const MQTT_WS_PATH = '/$iothub/websocket';

/** Options of the TLS listener. */
export interface MqttsListenerOptions {
  handle: HandleConnection;
  cert: string;
  key: string;
  /** CAs a client certificate may chain to (CA-signed X.509 devices). */
  ca: string[];
  port: number;
  host: string;
  logger: Logger;
}

/** Starts MQTT over TLS. Client certificates are requested but verified by the gateway, not by TLS. */
export async function startMqttsListener(options: MqttsListenerOptions): Promise<MqttListener> {
  const server = tls.createServer(
    // requestCert lets X.509 devices present a certificate; rejectUnauthorized false keeps SAS
    // devices (no certificate) and self-signed thumbprint devices (no chain) connecting.
    { cert: options.cert, key: options.key, ca: options.ca, requestCert: true, rejectUnauthorized: false },
    (socket) => {
      const peer = peerCertificateOf(socket);
      options.handle(socket, { kind: 'mqtts', ...(peer ? { peer } : {}) });
    },
  );
  server.on('tlsClientError', (err) => options.logger.debug('TLS handshake failed', { error: String(err) }));
  return listen(server, options.port, options.host);
}

/** Starts plain MQTT, bound to 127.0.0.1 only: without TLS the hub must not be reachable from the network. */
export async function startPlainListener(options: {
  handle: HandleConnection;
  port: number;
}): Promise<MqttListener> {
  const server = net.createServer((socket) => options.handle(socket, { kind: 'tcp' }));
  return listen(server, options.port, '127.0.0.1');
}

/** Serves MQTT over WebSockets at MQTT_WS_PATH on an HTTPS server; returns the detach function. */
export function attachWebSocketListener(
  server: HttpsServer,
  handle: HandleConnection,
  logger: Logger,
): () => void {
  // The `ws` 7.x client in the SDK refuses a server that does not echo its `mqtt` subprotocol.
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  const sockets = new Set<Duplex>();
  const onUpgrade = (req: import('node:http').IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== MQTT_WS_PATH) {
      // Other upgrade listeners (if any) own other paths; alone, answer 404 rather than hang.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', (err) => logger.debug('WebSocket socket error', { error: String(err) }));
    // X.509 devices over MqttWs present their certificate in the TLS handshake of the HTTPS port.
    const peer = peerCertificateOf(req.socket as TLSSocket);
    wss.handleUpgrade(req, socket, head, (ws) => {
      handle(createWebSocketStream(ws), peer ? { kind: 'wss', peer } : { kind: 'wss' });
    });
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const socket of sockets) socket.destroy();
    wss.close();
  };
}

function listen(server: net.Server, port: number, host: string): Promise<MqttListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Connections still waiting for CONNECT are not the broker's yet; end them here.
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
