import {
  createEventBus,
  createHub,
  createMemoryStore,
  createMethodService,
  type DeviceLink,
  type DeviceRecord,
  type HubEvents,
  type MethodRequest,
  parseMethodInvocation,
  silentLogger,
} from '@outpost/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('parseMethodInvocation', () => {
  it('applies the defaults: payload null, response timeout 30 s, connect timeout 0', () => {
    expect(parseMethodInvocation({ methodName: 'reboot' })).toEqual({
      methodName: 'reboot',
      payload: null,
      responseTimeoutInSeconds: 30,
      connectTimeoutInSeconds: 0,
    });
    expect(
      parseMethodInvocation({ methodName: 'x', responseTimeoutInSeconds: 0 }).responseTimeoutInSeconds,
    ).toBe(30);
    expect(parseMethodInvocation({ methodName: 'x', payload: { a: [1] } }).payload).toEqual({ a: [1] });
  });

  it('accepts printable ASCII names with the allowed punctuation', () => {
    for (const name of ['reboot', 'Reboot-Now_2.x', "a!b#c%d&e'f*g+h^i`j|k~l", 'x'.repeat(128)]) {
      expect(parseMethodInvocation({ methodName: name }).methodName).toBe(name);
    }
  });

  it.each<[string, unknown]>([
    ...[...'$()<>@,;:\\"/[]?={} \t'].map((ch): [string, unknown] => [
      `containing ${JSON.stringify(ch)}`,
      `a${ch}b`,
    ]),
    ['empty', ''],
    ['non-ASCII', 'réboot'],
    ['with a control character', 'a\u0001b'],
    ['longer than 128 characters', 'x'.repeat(129)],
    ['not a string', 42],
  ])('refuses a method name %s', (_name, methodName) => {
    expect(code(() => parseMethodInvocation({ methodName }))).toBe('INVALID_ARGUMENT');
  });

  it('bounds the payload at 128 KB of JSON', () => {
    const fits = 'p'.repeat(128 * 1024 - 2); // plus the two quotes
    expect(parseMethodInvocation({ methodName: 'x', payload: fits }).payload).toBe(fits);
    expect(code(() => parseMethodInvocation({ methodName: 'x', payload: `${fits}p` }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    [{ responseTimeoutInSeconds: 5 }, undefined],
    [{ responseTimeoutInSeconds: 300 }, undefined],
    [{ responseTimeoutInSeconds: 4 }, 'INVALID_ARGUMENT'],
    [{ responseTimeoutInSeconds: 301 }, 'INVALID_ARGUMENT'],
    [{ responseTimeoutInSeconds: 7.5 }, 'INVALID_ARGUMENT'],
    [{ responseTimeoutInSeconds: '30' }, 'INVALID_ARGUMENT'],
    [{ connectTimeoutInSeconds: 0 }, undefined],
    [{ connectTimeoutInSeconds: 300 }, undefined],
    [{ connectTimeoutInSeconds: 301 }, 'INVALID_ARGUMENT'],
    [{ connectTimeoutInSeconds: -1 }, 'INVALID_ARGUMENT'],
  ])('checks the timeouts: %j', (timeouts, expected) => {
    expect(code(() => parseMethodInvocation({ methodName: 'x', ...timeouts }))).toBe(expected);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 1])
      expect(code(() => parseMethodInvocation(body))).toBe('INVALID_ARGUMENT');
  });
});

/** A link whose state the test sets, recording what it was asked to send. */
function fakeLink() {
  const sent: MethodRequest[] = [];
  const state = {
    online: new Set<string>(),
    answer: async (_r: MethodRequest) => ({ status: 200, payload: 'ok' }),
  };
  const link: DeviceLink = {
    isConnected: (id) => state.online.has(id),
    acceptsMethods: (id) => state.online.has(id),
    invokeMethod: async (request) => {
      sent.push(request);
      return state.answer(request);
    },
    acceptsC2d: () => false,
    deliverC2d: async () => undefined,
  };
  return { link, sent, state };
}

function setup() {
  const records = new Map<string, DeviceRecord>();
  const add = (id: string, status: 'enabled' | 'disabled' = 'enabled') =>
    records.set(id, { identity: { deviceId: id, status } } as DeviceRecord);
  const events = createEventBus<HubEvents>(silentLogger);
  const fake = fakeLink();
  const service = createMethodService({ table: { get: (id) => records.get(id) }, link: fake.link, events });
  return { add, events, service, ...fake };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createMethodService', () => {
  it('refuses an unknown or disabled device with DEVICE_NOT_FOUND, a module with MODULE_NOT_FOUND', async () => {
    const t = setup();
    t.add('off', 'disabled');
    t.add('on');
    t.state.online.add('off');
    expect(await rejection(t.service.invoke('nobody', undefined, { methodName: 'x' }))).toBe(
      'DEVICE_NOT_FOUND',
    );
    expect(await rejection(t.service.invoke('off', undefined, { methodName: 'x' }))).toBe('DEVICE_NOT_FOUND');
    expect(await rejection(t.service.invoke('on', 'mod', { methodName: 'x' }))).toBe('MODULE_NOT_FOUND');
    expect(t.sent).toEqual([]);
  });

  it('refuses bad input before looking at the device', async () => {
    const t = setup();
    expect(await rejection(t.service.invoke('nobody', undefined, { methodName: 'a/b' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('answers DEVICE_NOT_ONLINE at once for an offline device without a connect timeout', async () => {
    const t = setup();
    t.add('d1');
    expect(
      await rejection(t.service.invoke('d1', undefined, { methodName: 'x', responseTimeoutInSeconds: 300 })),
    ).toBe('DEVICE_NOT_ONLINE');
    expect(t.sent).toEqual([]);
  });

  it('sends the request with the timeout in ms and returns the answer; link errors pass through', async () => {
    const t = setup();
    t.add('d1');
    t.state.online.add('d1');
    const answer = await t.service.invoke('d1', undefined, {
      methodName: 'go',
      payload: { a: 1 },
      responseTimeoutInSeconds: 9,
    });
    expect(answer).toEqual({ status: 200, payload: 'ok' });
    expect(t.sent).toEqual([{ deviceId: 'd1', methodName: 'go', payload: { a: 1 }, timeoutMs: 9000 }]);

    t.state.answer = async () => {
      throw Object.assign(new Error('late'), { code: 'GATEWAY_TIMEOUT' });
    };
    expect(await rejection(t.service.invoke('d1', undefined, { methodName: 'go' }))).toBe('GATEWAY_TIMEOUT');
  });

  it('waits for the device to connect and subscribe within connectTimeoutInSeconds', async () => {
    vi.useFakeTimers();
    const t = setup();
    t.add('late');
    const pending = t.service.invoke('late', undefined, { methodName: 'x', connectTimeoutInSeconds: 30 });
    await vi.advanceTimersByTimeAsync(10_000);
    // Another device's event changes nothing.
    t.events.emit('deviceConnected', { deviceId: 'other', at: '' });
    t.state.online.add('late');
    t.events.emit('deviceSubscriptionsChanged', {
      deviceId: 'late',
      desired: false,
      methods: true,
      c2d: false,
    });
    expect(await pending).toEqual({ status: 200, payload: 'ok' });
    expect(t.events.listenerCount('deviceConnected')).toBe(0);
  });

  it('gives up with DEVICE_NOT_ONLINE when the connect timeout passes', async () => {
    vi.useFakeTimers();
    const t = setup();
    t.add('never');
    const pending = rejection(
      t.service.invoke('never', undefined, { methodName: 'x', connectTimeoutInSeconds: 5 }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toBe('DEVICE_NOT_ONLINE');
    expect(t.sent).toEqual([]);
    expect(t.events.listenerCount('deviceSubscriptionsChanged')).toBe(0);
  });
});

describe('a hub without a gateway', () => {
  it('reports every device as not online', async () => {
    const hub = await createHub({ store: createMemoryStore(), logger: silentLogger });
    await hub.registry.create({ deviceId: 'lonely' }, { type: 'system', id: 'test' });
    expect(await rejection(hub.methods.invoke('lonely', undefined, { methodName: 'x' }))).toBe(
      'DEVICE_NOT_ONLINE',
    );
    expect(hub.deviceLink.isConnected('lonely')).toBe(false);
    await hub.close();
  });
});
