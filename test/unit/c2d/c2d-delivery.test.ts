import { describe, expect, it } from 'vitest';
import type { C2dEvents } from '../../../core/src/c2d/c2d-events';
import { C2D, type C2dQueueDoc } from '../../../core/src/c2d/c2d-message';
import type { Change } from '../../../core/src/contracts/change';
import { createEventBus } from '../../../core/src/events/event-bus';
import { silentLogger } from '../../../core/src/ports/logger';
import type { StorePort } from '../../../core/src/ports/store';
import { createMemoryStore, fakeLink, fakeTimers, serviceOver, tableWith } from './helpers';

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function storedDoc(store: StorePort, id: string): Promise<C2dQueueDoc | undefined> {
  return (await store.load()).collections.get(C2D)?.get(id) as C2dQueueDoc | undefined;
}

describe('c2d service: delivery', () => {
  it('delivers at once when the device accepts, with system properties first and the body as bytes', async () => {
    const link = fakeLink();
    link.accepting.add('dev1');
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), { link });
    await c2d.send('dev1', {
      body: 'hello',
      messageId: 'm1',
      correlationId: 'c1',
      contentType: 'text/plain',
      properties: { color: 'blue' },
    });
    await c2d.deliverQueued('dev1');
    expect(link.deliveries).toHaveLength(1);
    const [delivery] = link.deliveries;
    expect(delivery?.deviceId).toBe('dev1');
    expect(delivery?.body.toString()).toBe('hello');
    expect(Object.keys(delivery!.properties)).toEqual(['$.mid', '$.to', '$.exp', '$.cid', '$.ct', 'color']);
    expect(delivery?.properties).toMatchObject({
      '$.mid': 'm1',
      '$.to': '/devices/dev1/messages/devicebound',
      '$.cid': 'c1',
      '$.ct': 'text/plain',
      color: 'blue',
    });
    expect(c2d.stats()).toMatchObject({ queued: 0, delivered: 1 });
  });

  it('removes a message only after the device acknowledged it, one in flight at a time', async () => {
    const store = createMemoryStore();
    const table = tableWith('dev1');
    const link = fakeLink();
    link.setMode('hold');
    link.accepting.add('dev1');
    const c2d = await serviceOver(store, table, { link });
    await c2d.send('dev1', { body: 'first' });
    await c2d.send('dev1', { body: 'second' });
    await flush();
    expect(link.deliveries.map((d) => d.body.toString())).toEqual(['first']);
    expect((await c2d.list('dev1')).map((m) => m.body)).toEqual(['first', 'second']);
    expect((await storedDoc(store, 'dev1'))?.messages).toHaveLength(2);

    link.held.shift()!.resolve(); // PUBACK of "first"
    await flush();
    expect((await c2d.list('dev1')).map((m) => m.body)).toEqual(['second']);
    expect((await storedDoc(store, 'dev1'))?.messages.map((m) => m.sequenceNumber)).toEqual([2]);
    expect(link.deliveries.map((d) => d.body.toString())).toEqual(['first', 'second']);
    link.held.shift()!.resolve();
    await c2d.deliverQueued('dev1');
    expect(await c2d.list('dev1')).toEqual([]);
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(0);
  });

  it('keeps a message whose delivery failed and redelivers it after the retry delay', async () => {
    const link = fakeLink();
    const timers = fakeTimers();
    link.setMode('fail');
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), {
      timers,
      retryDelayMs: 1_000,
      link,
    });
    await c2d.send('dev1', { body: 'again' });
    link.accepting.add('dev1');
    await c2d.deliverQueued('dev1');
    expect(link.deliveries).toHaveLength(1);
    expect((await c2d.list('dev1'))[0]).toMatchObject({ body: 'again', deliveryCount: 1 });
    expect(timers.pending.map((t) => t.ms)).toEqual([1_000]);

    link.setMode('ack');
    timers.fireAll();
    await c2d.deliverQueued('dev1');
    expect(link.deliveries.map((d) => d.properties['$.mid'])).toEqual([
      link.deliveries[0]?.properties['$.mid'],
      link.deliveries[0]?.properties['$.mid'],
    ]);
    expect(await c2d.list('dev1')).toEqual([]);
    expect(c2d.stats()).toMatchObject({ delivered: 1, deliveryFailures: 1 });
  });

  it('queues while the device does not accept C2D and delivers when it connects or subscribes', async () => {
    const link = fakeLink();
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), { link });
    await c2d.send('dev1', { body: 'a' });
    await c2d.send('dev1', { body: 'b' });
    await flush();
    expect(link.deliveries).toEqual([]);
    link.accepting.add('dev1');
    await c2d.deliverQueued('dev1');
    expect(link.deliveries.map((d) => d.body.toString())).toEqual(['a', 'b']);
  });

  it('delivers on the hub events of a connect or a C2D subscription, and forgets deleted devices', async () => {
    const link = fakeLink();
    const events = createEventBus<C2dEvents>(silentLogger);
    const store = createMemoryStore();
    const c2d = await serviceOver(store, tableWith('dev1', 'dev2'), { link, events });
    await c2d.send('dev1', { body: 'waiting' });
    await c2d.send('dev2', { body: 'also waiting' });
    link.accepting.add('dev1');
    events.emit('deviceConnected', { deviceId: 'dev1', at: new Date().toISOString() });
    await flush();
    expect(link.deliveries.map((d) => d.deviceId)).toEqual(['dev1']);
    link.accepting.add('dev2');
    // A module's subscription or an unsubscribe does not deliver device messages.
    events.emit('deviceSubscriptionsChanged', {
      deviceId: 'dev2',
      moduleId: 'm',
      desired: false,
      methods: false,
      c2d: true,
    });
    events.emit('deviceSubscriptionsChanged', {
      deviceId: 'dev2',
      desired: false,
      methods: false,
      c2d: false,
    });
    await flush();
    expect(link.deliveries).toHaveLength(1);
    events.emit('deviceSubscriptionsChanged', {
      deviceId: 'dev2',
      desired: false,
      methods: false,
      c2d: true,
    });
    await flush();
    expect(link.deliveries.map((d) => d.deviceId)).toEqual(['dev1', 'dev2']);

    link.accepting.clear();
    await c2d.send('dev1', { body: 'queued' });
    events.emit('deviceDeleted', { id: 'dev1' } as Change);
    await flush();
    expect(await storedDoc(store, 'dev1')).toBeUndefined();
    expect(c2d.stats().queued).toBe(0);
  });

  it('drops a message after the maximum of failed deliveries and goes on with the next', async () => {
    const link = fakeLink();
    const timers = fakeTimers();
    link.setMode('fail');
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), {
      timers,
      maxDeliveryAttempts: 3,
      link,
    });
    await c2d.send('dev1', { body: 'poison' });
    await c2d.send('dev1', { body: 'next' });
    link.accepting.add('dev1');
    for (let i = 0; i < 3; i++) await c2d.deliverQueued('dev1');
    expect(c2d.stats()).toMatchObject({ deadLettered: 1, deliveryFailures: 4, queued: 1 });
    link.setMode('ack');
    timers.fireAll();
    await c2d.deliverQueued('dev1');
    expect(link.deliveries.map((d) => d.body.toString())).toEqual([
      'poison',
      'poison',
      'poison',
      'next',
      'next',
    ]);
    expect(c2d.stats()).toMatchObject({ delivered: 1, queued: 0 });
  });
});
