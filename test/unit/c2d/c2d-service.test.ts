import { describe, expect, it } from 'vitest';
import { C2D, type C2dQueueDoc } from '../../../core/src/c2d/c2d-message';
import { isHubError } from '../../../core/src/errors';
import type { CommitEntry, StorePort } from '../../../core/src/ports/store';
import { createMemoryStore, fakeClock, fakeLink, fakeTimers, serviceOver, tableWith } from './helpers';

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function storedDoc(store: StorePort, id: string): Promise<C2dQueueDoc | undefined> {
  return (await store.load()).collections.get(C2D)?.get(id) as C2dQueueDoc | undefined;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

describe('c2d service: queueing', () => {
  it('queues at most 50 messages per device; the 51st is QUEUE_FULL', async () => {
    const store = createMemoryStore();
    const table = tableWith('dev1', 'dev2');
    const c2d = await serviceOver(store, table);
    for (let i = 0; i < 50; i++) await c2d.send('dev1', { body: `m${i}` });
    const err = await failure(c2d.send('dev1', { body: 'one too many' }));
    expect(isHubError(err, 'QUEUE_FULL')).toBe(true);
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(50);
    expect(table.twin('dev1')?.cloudToDeviceMessageCount).toBe(50);
    expect((await storedDoc(store, 'dev1'))?.messages).toHaveLength(50);
    // The limit is per device.
    await c2d.send('dev2', { body: 'fine' });
    expect(c2d.stats()).toMatchObject({ queued: 51, sent: 51 });
  });

  it('is durable before send resolves', async () => {
    const inner = createMemoryStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store: StorePort = {
      ...inner,
      load: () => inner.load(),
      async commit(entry: CommitEntry) {
        await gate;
        return inner.commit(entry);
      },
    };
    const c2d = await serviceOver(store, tableWith('dev1'));
    let settled = false;
    const sending = c2d.send('dev1', { body: 'x' }).finally(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    release();
    await sending;
    expect((await storedDoc(inner, 'dev1'))?.messages).toHaveLength(1);
  });

  it('generates a message id when none is given and keeps ids, properties and headers', async () => {
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), {
      newMessageId: () => 'generated-1',
    });
    const a = await c2d.send('dev1', { body: 'a' });
    const b = await c2d.send('dev1', {
      body: Buffer.from([0xff, 0, 1]).toString('base64'),
      bodyEncoding: 'base64',
      messageId: 'mine',
      correlationId: 'corr',
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      properties: { color: 'blue', count: 3, on: true },
    });
    expect(a.messageId).toBe('generated-1');
    expect(b).toMatchObject({ deviceId: 'dev1', messageId: 'mine', sequenceNumber: 2 });
    const [va, vb] = await c2d.list('dev1');
    expect(va).toMatchObject({ body: 'a', bodyEncoding: 'utf8', properties: {} });
    expect(vb).toMatchObject({
      body: '/wAB',
      bodyEncoding: 'base64',
      correlationId: 'corr',
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      properties: { color: 'blue', count: '3', on: 'true' },
    });
  });

  it.each([
    ['a body that is no string', { body: 1 }, 'INVALID_ARGUMENT', /body/],
    ['an unknown field', { body: 'x', extra: 1 }, 'INVALID_ARGUMENT', /extra|Unrecognized/],
    [
      'a base64 body that is not base64',
      { body: 'not base64!', bodyEncoding: 'base64' },
      'INVALID_ARGUMENT',
      /base64/,
    ],
    [
      'a reserved $. property',
      { body: 'x', properties: { '$.mid': 'sneaky' } },
      'INVALID_ARGUMENT',
      /reserved/,
    ],
    [
      'an object property value',
      { body: 'x', properties: { nested: { a: 1 } } },
      'INVALID_ARGUMENT',
      /properties\.nested/,
    ],
    [
      'an expiry in the past',
      { body: 'x', expiryTimeUtc: '2020-01-01T00:00:00Z' },
      'INVALID_ARGUMENT',
      /past/,
    ],
    [
      'an expiry that is no ISO time',
      { body: 'x', expiryTimeUtc: 'tomorrow' },
      'INVALID_ARGUMENT',
      /expiryTimeUtc/,
    ],
    [
      'a message id over 128 characters',
      { body: 'x', messageId: 'a'.repeat(129) },
      'INVALID_ARGUMENT',
      /messageId/,
    ],
    ['a body over 64 KiB', { body: 'x'.repeat(64 * 1024 + 1) }, 'PAYLOAD_TOO_LARGE', /65536/],
    ['a null body', null, 'INVALID_ARGUMENT', /body/],
    [
      'a lone surrogate in a property',
      { body: 'x', properties: { k: 'a\uD800' } },
      'INVALID_ARGUMENT',
      /surrogate/,
    ],
  ])('refuses %s', async (_label, input, code, message) => {
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), { clock: fakeClock() });
    const err = await failure(c2d.send('dev1', input));
    expect(isHubError(err, code as 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect(c2d.stats().queued).toBe(0);
  });

  it('answers DEVICE_NOT_FOUND for an unknown device', async () => {
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'));
    for (const call of [c2d.send('nope', { body: 'x' }), c2d.list('nope'), c2d.purge('nope')]) {
      expect(isHubError(await failure(call), 'DEVICE_NOT_FOUND')).toBe(true);
    }
  });

  it('purges a queue durably', async () => {
    const store = createMemoryStore();
    const table = tableWith('dev1');
    const c2d = await serviceOver(store, table);
    for (let i = 0; i < 3; i++) await c2d.send('dev1', { body: `m${i}` });
    expect(await c2d.purge('dev1')).toBe(3);
    expect(await c2d.purge('dev1')).toBe(0);
    expect(await c2d.list('dev1')).toEqual([]);
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(0);
    expect((await storedDoc(store, 'dev1'))?.messages).toEqual([]);
    expect(c2d.stats().purged).toBe(3);
  });
});

describe('c2d service: expiry', () => {
  it('drops messages past their expiry (default 1 h), counts them and frees their room', async () => {
    const clock = fakeClock();
    const store = createMemoryStore();
    const table = tableWith('dev1');
    const c2d = await serviceOver(store, table, { clock });
    const short = await c2d.send('dev1', {
      body: 'short',
      expiryTimeUtc: new Date(clock.now() + 10_000).toISOString(),
    });
    const long = await c2d.send('dev1', { body: 'default ttl' });
    expect(Date.parse(long.expiryTimeUtc) - clock.now()).toBe(3_600_000);
    expect(short.expiryTimeUtc).toBe(new Date(clock.now() + 10_000).toISOString());

    clock.advance(10_000);
    expect((await c2d.list('dev1')).map((m) => m.body)).toEqual(['default ttl']);
    expect(c2d.stats().expired).toBe(1);
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(1);

    for (let i = 0; i < 49; i++) await c2d.send('dev1', { body: `m${i}` });
    expect(isHubError(await failure(c2d.send('dev1', { body: 'full' })), 'QUEUE_FULL')).toBe(true);
    clock.advance(3_600_000);
    await c2d.send('dev1', { body: 'room again' });
    expect((await c2d.list('dev1')).map((m) => m.body)).toEqual(['room again']);
    expect(c2d.stats().expired).toBe(51);
    expect((await storedDoc(store, 'dev1'))?.messages).toHaveLength(1);
  });

  it('never delivers an expired message', async () => {
    const clock = fakeClock();
    const link = fakeLink();
    const c2d = await serviceOver(createMemoryStore(), tableWith('dev1'), { clock, link });
    await c2d.send('dev1', { body: 'late' });
    clock.advance(3_600_001);
    link.accepting.add('dev1');
    await c2d.deliverQueued('dev1');
    expect(link.deliveries).toEqual([]);
    expect(c2d.stats()).toMatchObject({ queued: 0, expired: 1 });
  });

  it('sweeps expired messages on a timer', async () => {
    const clock = fakeClock();
    const timers = fakeTimers();
    const table = tableWith('dev1');
    const c2d = await serviceOver(createMemoryStore(), table, { clock, timers, sweepIntervalMs: 60_000 });
    await c2d.send('dev1', { body: 'x' });
    clock.advance(3_600_001);
    expect(timers.pending.map((t) => t.ms)).toEqual([60_000]);
    timers.fireAll();
    await flush();
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(0);
    expect(timers.pending.map((t) => t.ms)).toEqual([60_000]); // rescheduled
    c2d.close();
    expect(timers.pending).toEqual([]);
  });
});

describe('c2d service: persistence', () => {
  it('restores queues, counts and sequence numbers in a new service over the same store', async () => {
    const store = createMemoryStore();
    const first = await serviceOver(store, tableWith('dev1', 'dev2'));
    await first.send('dev1', { body: 'a', properties: { k: 'v' } });
    await first.send('dev1', { body: 'b' });
    await first.send('dev2', { body: 'c' });
    first.close();

    const table = tableWith('dev1', 'dev2');
    const link = fakeLink();
    link.accepting.add('dev1');
    const second = await serviceOver(store, table, { link });
    expect((await second.list('dev1')).map((m) => [m.body, m.properties])).toEqual([
      ['a', { k: 'v' }],
      ['b', {}],
    ]);
    expect(table.get('dev1')?.identity.cloudToDeviceMessageCount).toBe(2);
    expect(table.get('dev2')?.identity.cloudToDeviceMessageCount).toBe(1);
    expect((await second.send('dev1', { body: 'd' })).sequenceNumber).toBe(3);

    await second.deliverQueued('dev1');
    expect(link.deliveries.map((d) => d.body.toString())).toEqual(['a', 'b', 'd']);
  });

  it('forgets the queue of a deleted device, also when the deletion happened while it was down', async () => {
    const store = createMemoryStore();
    const c2d = await serviceOver(store, tableWith('dev1', 'dev2'));
    await c2d.send('dev1', { body: 'a' });
    await c2d.send('dev2', { body: 'b' });
    await c2d.deviceDeleted('dev1');
    expect(await storedDoc(store, 'dev1')).toBeUndefined();

    // dev2 is gone from the registry at the next start: its queue is removed on load.
    await serviceOver(store, tableWith('dev1'));
    expect(await storedDoc(store, 'dev2')).toBeUndefined();
  });
});
