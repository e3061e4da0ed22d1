import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

// The DeviceLink side of cloud-to-device delivery (the C2D queue itself is built on top of it).

let hub: MqttTestHub;
beforeAll(async () => {
  hub = await startMqttTestHub();
});
afterAll(() => hub.close());

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('DeviceLink.deliverC2d', () => {
  it('publishes at QoS 1 with a fully percent-encoded bag and resolves on the PUBACK', async () => {
    const link = hub.runtime.hub.deviceLink;
    const key = await hub.createDevice('c2d-1');
    const device = await hub.connect('c2d-1', key);
    try {
      expect(link.acceptsC2d('c2d-1')).toBe(false);
      expect(await device.subscribe('devices/c2d-1/messages/devicebound/#', 1)).toBe(1);
      expect(link.acceptsC2d('c2d-1')).toBe(true);
      const packets: { qos: number; topic: string }[] = [];
      device.client.on('message', (_t, _p, packet) => packets.push({ qos: packet.qos, topic: packet.topic }));
      await link.deliverC2d({
        deviceId: 'c2d-1',
        properties: { '$.mid': 'c2d-1', color: 'blue/green', 'a=b': 'x&y' },
        body: Buffer.from('hello'),
      });
      expect(packets).toEqual([
        { qos: 1, topic: 'devices/c2d-1/messages/devicebound/%24.mid=c2d-1&color=blue%2Fgreen&a%3Db=x%26y' },
      ]);
    } finally {
      await hub.disconnect(device, 'c2d-1');
    }
    expect(link.acceptsC2d('c2d-1')).toBe(false);
    expect(
      await rejection(link.deliverC2d({ deviceId: 'c2d-1', properties: {}, body: Buffer.from('x') })),
    ).toBe('DEVICE_NOT_ONLINE');
  });

  it('keeps the C2D subscription across a reconnect without SUBSCRIBE', async () => {
    const key = await hub.createDevice('c2d-2');
    const first = await hub.connect('c2d-2', key);
    await first.subscribe('devices/c2d-2/messages/devicebound/#', 1);
    await hub.disconnect(first, 'c2d-2');
    const second = await hub.connect('c2d-2', key);
    try {
      expect(hub.runtime.hub.deviceLink.acceptsC2d('c2d-2')).toBe(true);
      const got = second.next('devices/c2d-2/messages/devicebound/');
      await hub.runtime.hub.deviceLink.deliverC2d({
        deviceId: 'c2d-2',
        properties: {},
        body: Buffer.from('again'),
      });
      expect((await got).payload.toString()).toBe('again');
    } finally {
      await second.close();
    }
  });

  it('rejects with DEVICE_NOT_ONLINE when the connection ends before the PUBACK', async () => {
    const key = await hub.createDevice('c2d-3');
    const device = await hub.connect('c2d-3', key);
    await device.subscribe('devices/c2d-3/messages/devicebound/#', 1);
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // Never acknowledge: mqtt.js sends the PUBACK only once handleMessage calls back.
    device.client.handleMessage = (_packet, _callback) => arrived();
    const delivery = rejection(
      hub.runtime.hub.deviceLink.deliverC2d({ deviceId: 'c2d-3', properties: {}, body: Buffer.from('lost') }),
    );
    await received;
    device.client.end(true);
    expect(await delivery).toBe('DEVICE_NOT_ONLINE');
  });
});
