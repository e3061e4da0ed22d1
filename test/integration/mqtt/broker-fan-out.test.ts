import net, { type AddressInfo } from 'node:net';
import type { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBroker, createBroker, sendToClient } from '../../../edge-runtime/src/mqtt/broker';

/**
 * The aedes adapter ends a client's PUBLISH at the hub: after `authorizePublish` has handled it and
 * the PUBACK, nothing of aedes's fan-out runs (no delivery, no retained store, no 'publish' event),
 * while the hub's own one-client sends still arrive.
 */

let broker: Aedes;
let server: net.Server;
let url: string;
const handled: string[] = [];
const published: string[] = [];
/** Packets the broker published itself (`$SYS/…`). */
const ownPackets: string[] = [];

beforeAll(async () => {
  broker = await createBroker(
    {
      async authenticate() {},
      async authorizeSubscribe(_client, sub) {
        return sub;
      },
      async authorizePublish(_client, packet) {
        handled.push(packet.topic);
      },
    },
    {
      ready() {},
      disconnected() {},
      subscribed() {},
      unsubscribed() {},
      acked() {},
      pinged() {},
      failed() {},
    },
  );
  broker.on('publish', (packet, client) => {
    if (client) published.push(packet.topic);
    else ownPackets.push(packet.topic);
  });
  server = net.createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeBroker(broker);
  await new Promise((resolve) => server.close(resolve));
});

const connect = (clientId: string) => mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 });

describe('aedes adapter: a device PUBLISH ends at the hub', () => {
  it('acknowledges and hands the packet to the hub, and nothing else sees it', async () => {
    const listener = await connect('listener');
    const device = await connect('device');
    const seen: string[] = [];
    listener.on('message', (topic) => seen.push(topic));
    await listener.subscribeAsync('#', { qos: 1 });

    await device.publishAsync('devices/device/messages/events/', 'hello', { qos: 1, retain: true });
    await device.publishAsync('devices/device/messages/events/a=1', 'again', { qos: 0 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual(['devices/device/messages/events/', 'devices/device/messages/events/a=1']);
    expect(seen).toEqual([]);
    expect(published).toEqual([]);

    // Nothing was retained: a new subscriber gets nothing either.
    const late = await connect('late');
    const lateSeen: string[] = [];
    late.on('message', (topic) => lateSeen.push(topic));
    await late.subscribeAsync('#', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lateSeen).toEqual([]);

    // The hub's own sends still reach the one client they are for.
    const target = Object.values(
      (broker as unknown as { clients: Record<string, Parameters<typeof sendToClient>[0]> }).clients,
    ).find((c) => c.id === 'listener');
    await sendToClient(target!, 'devices/listener/messages/devicebound/', 'to you', 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['devices/listener/messages/devicebound/']);
    expect(lateSeen).toEqual([]);
    await Promise.all([listener.endAsync(), device.endAsync(), late.endAsync()]);
  });

  it('still completes QoS 2, hands wills to the hub, and publishes its own $SYS packets', async () => {
    handled.length = 0;
    const device = await connect('qos2-device');
    // publishAsync resolves on PUBCOMP: PUBLISH → PUBREC → PUBREL → PUBCOMP all ran.
    await device.publishAsync('devices/qos2-device/messages/events/', 'exactly once', { qos: 2 });
    expect(handled).toEqual(['devices/qos2-device/messages/events/']);

    const mortal = await mqtt.connectAsync(url, {
      clientId: 'mortal',
      reconnectPeriod: 0,
      will: { topic: 'devices/mortal/messages/events/', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    (mortal as unknown as { stream: net.Socket }).stream.destroy();
    await expect.poll(() => handled).toContain('devices/mortal/messages/events/');
    expect(published).toEqual([]);
    expect(ownPackets.some((t) => t.endsWith('/new/clients'))).toBe(true);
    await device.endAsync();
  });
});
