import type { TelemetryMessage, TelemetrySink } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

/** A sink whose `append` waits for the test to open the gate (when one is set). */
function gatedSink() {
  const messages: TelemetryMessage[] = [];
  let gate: { entered: () => void; open: Promise<void> } | undefined;
  const sink: TelemetrySink = {
    async append(message) {
      const current = gate;
      if (current) {
        current.entered();
        await current.open;
      }
      messages.push(message);
    },
  };
  return {
    sink,
    messages,
    /** Holds the next appends until `release()`; `entered` resolves when one is waiting. */
    hold() {
      let release!: () => void;
      let entered!: () => void;
      const open = new Promise<void>((r) => {
        release = r;
      });
      const waiting = new Promise<void>((r) => {
        entered = r;
      });
      gate = { entered, open };
      return {
        waiting,
        release: () => {
          gate = undefined;
          release();
        },
      };
    },
  };
}

let hub: MqttTestHub;
const sink = gatedSink();
beforeAll(async () => {
  hub = await startMqttTestHub({}, { telemetrySink: sink.sink });
});
afterAll(() => hub.close());

describe('telemetry', () => {
  it('parses the property bag (percent-encoded system keys, one trailing slash) into the sink', async () => {
    const key = await hub.createDevice('d2c-bag');
    const device = await hub.connect('d2c-bag', key);
    try {
      await device.client.publishAsync(
        'devices/d2c-bag/messages/events/%24.mid=msg-1&%24.ct=application%2Fjson&%24.ce=utf-8&alert=high&with%20space=a%26b%3Dc/',
        '{"t":21}',
        { qos: 1 },
      );
      const msg = sink.messages.at(-1)!;
      expect(msg.deviceId).toBe('d2c-bag');
      expect(msg.systemProperties).toEqual({ '$.mid': 'msg-1', '$.ct': 'application/json', '$.ce': 'utf-8' });
      expect(msg.properties).toEqual({ alert: 'high', 'with space': 'a&b=c' });
      expect(msg.body.toString()).toBe('{"t":21}');
      expect(Date.parse(msg.enqueuedTime)).not.toBeNaN();

      await device.client.publishAsync('devices/d2c-bag/messages/events/', 'plain', { qos: 1 });
      expect(sink.messages.at(-1)).toMatchObject({ systemProperties: {}, properties: {} });
    } finally {
      await device.close();
    }
  });

  it('sends the PUBACK only after the sink resolved', async () => {
    const key = await hub.createDevice('d2c-slow');
    const device = await hub.connect('d2c-slow', key);
    try {
      const gate = sink.hold();
      let acked = false;
      const published = device.client
        .publishAsync('devices/d2c-slow/messages/events/', 'slow', { qos: 1 })
        .then(() => {
          acked = true;
        });
      await gate.waiting;
      // The sink holds the message; a full round trip over the hub's HTTPS API passes meanwhile.
      expect((await hub.call('GET', '/devices/d2c-slow')).status).toBe(200);
      expect(acked).toBe(false);
      gate.release();
      await published;
      expect(acked).toBe(true);
      expect(sink.messages.at(-1)?.body.toString()).toBe('slow');
    } finally {
      await device.close();
    }
  });

  it('closes the connection on a body over 256 KB, as IoT Hub does, without storing it', async () => {
    const key = await hub.createDevice('d2c-big');
    const device = await hub.connect('d2c-big', key);
    const before = sink.messages.length;
    const refused = hub.runtime.gatewayStats().telemetryRefused;
    device.client.publish('devices/d2c-big/messages/events/', Buffer.alloc(256 * 1024 + 1, 1), { qos: 1 });
    await device.closed;
    expect(sink.messages.length).toBe(before);
    expect(hub.runtime.gatewayStats().telemetryRefused).toBe(refused + 1);
  });
});
