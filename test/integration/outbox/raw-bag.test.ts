import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type OutboxRecord,
  openTelemetryOutbox,
  type TelemetryOutbox,
} from '../../../edge-runtime/src/outbox';
import { makeTempDir } from './helpers';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const opened: TelemetryOutbox[] = [];

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  await temp.remove();
});

async function open() {
  const outbox = await openTelemetryOutbox({ dir: temp.dir });
  opened.push(outbox);
  return outbox;
}

const enqueuedTime = '2026-01-01T00:00:00.000Z';

describe('telemetry outbox: raw property bags (appendRaw)', () => {
  it('stores the bag raw and parses it when read, live and after reopening, beside parsed records', async () => {
    const outbox = await open();
    const live: OutboxRecord[] = [];
    outbox.subscribe((r) => live.push(r));
    await outbox.append({
      deviceId: 'd1',
      enqueuedTime,
      systemProperties: { '$.mid': 'm0' },
      properties: { a: '1' },
      body: Buffer.from('zero'),
    });
    await outbox.appendRaw!({
      deviceId: 'd1',
      moduleId: 'mod',
      enqueuedTime,
      propertyBag: '$.mid=m1&$.ct=application%2Fjson&k%20ey=v%26al&bare&mqtt-retain=true/',
      body: Buffer.from('one'),
    });
    await outbox.appendRaw!({ deviceId: 'd2', enqueuedTime, propertyBag: '', body: Buffer.from('two') });
    const expected = [
      {
        seq: 1,
        deviceId: 'd1',
        enqueuedTime,
        systemProperties: { '$.mid': 'm0' },
        properties: { a: '1' },
        body: Buffer.from('zero'),
      },
      {
        seq: 2,
        deviceId: 'd1',
        moduleId: 'mod',
        enqueuedTime,
        systemProperties: { '$.mid': 'm1', '$.ct': 'application/json' },
        properties: { 'k ey': 'v&al', bare: '', 'mqtt-retain': 'true' },
        body: Buffer.from('one'),
      },
      {
        seq: 3,
        deviceId: 'd2',
        enqueuedTime,
        systemProperties: {},
        properties: {},
        body: Buffer.from('two'),
      },
    ];
    expect(live).toEqual(expected);
    expect(await outbox.read(1, 10)).toEqual(expected);
    await outbox.close();
    opened.pop();
    const reopened = await open();
    expect(await reopened.read(1, 10)).toEqual(expected);
  });
});
