import net, { type AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionEvent,
  createDeviceConnection,
} from '../../../edge-runtime/src/simulator/device-connection';

/**
 * A simulated device whose connection dropped with a QoS 1 publish in flight still disconnects:
 * that PUBACK can never come, and mqtt.js's graceful end would wait for it for ever (a demo fleet's
 * close hung on it when the hub dropped a device mid-telemetry).
 */

let broker: Aedes;
let server: net.Server;
let port: number;
let accepting = true;
const clients = new Map<string, Client>();
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  broker = await Aedes.createBroker({
    // The first CONNECT is accepted; the device's reconnects are refused (CONNACK 5), as for a
    // device that was disabled.
    authenticate: (_client, _user, _password, done) => done(null, accepting),
    // Telemetry is never acknowledged: the QoS 1 publish stays in flight.
    authorizePublish: () => undefined,
  });
  broker.on('client', (client) => clients.set(client.id, client));
  server = net.createServer((socket) => {
    sockets.add(socket);
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  // The never-acknowledged publish keeps aedes's close waiting: the sockets go first.
  for (const socket of sockets) socket.destroy();
  broker.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('device connection: disconnect after a drop', () => {
  it('ends at once although a QoS 1 publish was in flight when the connection dropped', async () => {
    const events: ConnectionEvent[] = [];
    const connection = createDeviceConnection({
      url: `mqtt://127.0.0.1:${port}`,
      hostName: 'localhost',
      deviceId: 'dropped',
      key: Buffer.alloc(32, 5).toString('base64'),
      onMessage: () => undefined,
      onEvent: (e) => events.push(e),
    });
    await connection.open();
    const inFlight = connection.publish('devices/dropped/messages/events/', 'never acked', 1);
    await expect.poll(() => clients.has('dropped')).toBe(true);
    accepting = false;
    (clients.get('dropped') as unknown as { conn: net.Socket }).conn.destroy();
    await expect(inFlight).rejects.toThrow();
    await expect.poll(() => events.some((e) => e.type === 'disconnected' && e.cause === 'lost')).toBe(true);

    // Before the fix this never resolved; the test's own timeout is the bound.
    await connection.disconnect();
    expect(connection.isConnected).toBe(false);
  }, 10_000);
});
