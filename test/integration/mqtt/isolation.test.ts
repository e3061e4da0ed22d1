import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from './mqtt-hub';

let hub: MqttTestHub;
let a: TestDevice;
let b: TestDevice;
const keys: Record<string, string> = {};

beforeAll(async () => {
  hub = await startMqttTestHub();
  for (const id of ['iso-a', 'iso-b', 'iso-c']) keys[id] = await hub.createDevice(id);
  a = await hub.connect('iso-a', keys['iso-a']!);
  b = await hub.connect('iso-b', keys['iso-b']!);
  for (const d of [a, b]) {
    expect(await d.subscribe('$iothub/twin/res/#')).toBe(0);
    expect(await d.subscribe('$iothub/methods/POST/#')).toBe(0);
  }
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await hub.close();
});

describe('per-identity scoping', () => {
  it("never hands device A device B's twin replies", async () => {
    const answers = await Promise.all([a.getTwin(), b.getTwin(), a.getTwin(), b.getTwin()]);
    expect(answers.map((t) => t.status)).toEqual([200, 200, 200, 200]);
    // Each device received exactly its own two replies.
    const replies = (d: TestDevice) => d.received.filter((m) => m.topic.startsWith('$iothub/twin/res/'));
    expect(replies(a)).toHaveLength(2);
    expect(replies(b)).toHaveLength(2);
    const ridsA = new Set(replies(a).map((m) => ridOf(m.topic)));
    for (const m of replies(b)) expect(ridsA.has(ridOf(m.topic))).toBe(false);
  });

  it("never hands device A device B's method calls", async () => {
    const call = hub.call('POST', '/twins/iso-b/methods', {
      methodName: 'ping',
      payload: { n: 1 },
      responseTimeoutInSeconds: 5,
    });
    const request = await b.next('$iothub/methods/POST/');
    await b.client.publishAsync(`$iothub/methods/res/200/?$rid=${ridOf(request.topic)}`, '"pong"');
    const res = await call;
    expect(res.json).toEqual({ status: 200, payload: 'pong' });
    // A's own round trip after B's proves nothing was on its way to A.
    expect((await a.getTwin()).status).toBe(200);
    expect(a.received.filter((m) => m.topic.startsWith('$iothub/methods/'))).toEqual([]);
  });

  it('answers 0x80 to filters outside the four per-identity ones', async () => {
    for (const filter of [
      'devices/iso-b/messages/devicebound/#',
      'devices/iso-b/messages/events/#',
      '#',
      '$iothub/#',
      '$iothub/twin/res/200/#',
      '$SYS/#',
      'devices/+/messages/devicebound/#',
    ]) {
      expect([filter, await a.subscribe(filter)]).toEqual([filter, 128]);
    }
    expect(await a.subscribe('devices/iso-a/messages/devicebound/#', 1)).toBe(1);
    expect(hub.runtime.gatewayStats().subscribesDenied).toBeGreaterThanOrEqual(7);
  });

  it("closes a connection that publishes on another device's topics; others keep working", async () => {
    const c = await hub.connect('iso-c', keys['iso-c']!);
    const denied = hub.runtime.gatewayStats().publishesDenied;
    c.client.publish('devices/iso-b/messages/events/', 'spoof', { qos: 0 });
    await c.closed;
    expect(hub.runtime.gatewayStats().publishesDenied).toBe(denied + 1);

    const c2 = await hub.connect('iso-c', keys['iso-c']!);
    c2.client.publish('$iothub/twin/res/200/?$rid=forged', '{"desired":{}}', { qos: 0 });
    await c2.closed;
    expect(hub.runtime.gatewayStats().publishesDenied).toBe(denied + 2);

    expect((await b.getTwin()).status).toBe(200);
    expect(b.received.filter((m) => m.topic.includes('forged'))).toEqual([]);
    expect(b.received.filter((m) => m.topic.startsWith('devices/'))).toEqual([]);
  });
});
