import { appendFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../../core/src/errors';
import {
  followOutbox,
  type OutboxRecord,
  openTelemetryOutbox,
  type TelemetryOutbox,
} from '../../../edge-runtime/src/outbox';
import { makeTempDir, message } from './helpers';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const opened: TelemetryOutbox[] = [];

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  await temp.remove();
});

async function open(options: Partial<Parameters<typeof openTelemetryOutbox>[0]> = {}) {
  const outbox = await openTelemetryOutbox({ dir: temp.dir, ...options });
  opened.push(outbox);
  return outbox;
}

async function readAll(outbox: TelemetryOutbox, from = 1): Promise<OutboxRecord[]> {
  const out: OutboxRecord[] = [];
  for (;;) {
    const page = await outbox.read(out.at(-1) ? out.at(-1)!.seq + 1 : from, 100);
    out.push(...page);
    if (page.length < 100) return out;
  }
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(temp.dir)).filter((n) => n.endsWith('.seg')).sort();
}

describe('telemetry outbox: append, read, reopen', () => {
  it('numbers records from 1, reads them back exactly, and resumes after a reopen', async () => {
    const outbox = await open();
    const seqs = [];
    for (let n = 1; n <= 10; n++) seqs.push(await outbox.appendWithSeq(message(n)));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const all = await outbox.read(1, 100);
    expect(all).toHaveLength(10);
    expect(all[2]).toEqual({ ...message(3), seq: 3 });
    expect((await outbox.read(5, 3)).map((r) => r.seq)).toEqual([5, 6, 7]);
    expect(await outbox.read(11, 10)).toEqual([]);
    await outbox.close();

    const again = await open();
    expect(again.stats()).toMatchObject({ firstSeq: 1, lastSeq: 10, nextSeq: 11, truncatedBytes: 0 });
    expect(await again.read(1, 100)).toEqual(all);
    expect(await again.appendWithSeq(message(11))).toBe(11);
    expect((await again.read(10, 5)).map((r) => r.seq)).toEqual([10, 11]);
  });

  it('keeps bodies byte for byte, binary included', async () => {
    const outbox = await open();
    const body = Buffer.from([0, 255, 0xc3, 0x28, 10, 13]);
    await outbox.append({ ...message(1), moduleId: 'mod1', body });
    const [record] = await outbox.read(1, 1);
    expect(record?.body.equals(body)).toBe(true);
    expect(record?.moduleId).toBe('mod1');
  });

  it('rolls over into new segments and reads across them, also after a reopen', async () => {
    const outbox = await open({ segmentBytes: 4096, budgetBytes: 1024 * 1024 });
    for (let n = 1; n <= 200; n++) await outbox.append(message(n, 300));
    expect((await segmentFiles()).length).toBeGreaterThan(10);
    for (const name of await segmentFiles())
      expect((await stat(join(temp.dir, name))).size).toBeLessThanOrEqual(4096);
    expect((await readAll(outbox)).map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await outbox.close();

    const again = await open({ segmentBytes: 4096, budgetBytes: 1024 * 1024 });
    const records = await readAll(again, 77);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 124 }, (_, i) => i + 77));
    expect(records[0]?.properties.n).toBe('77');
  });

  it('refuses a record larger than the record limit', async () => {
    const outbox = await open();
    const err = await outbox.append({ ...message(1), body: Buffer.alloc(2 * 1024 * 1024) }).catch((e) => e);
    expect(isHubError(err, 'PAYLOAD_TOO_LARGE')).toBe(true);
    expect(outbox.stats().lastSeq).toBe(0);
  });

  it('rejects appends after close with SERVICE_UNAVAILABLE', async () => {
    const outbox = await openTelemetryOutbox({ dir: temp.dir });
    await outbox.close();
    expect(isHubError(await outbox.append(message(1)).catch((e) => e), 'SERVICE_UNAVAILABLE')).toBe(true);
  });
});

describe('telemetry outbox: group commit', () => {
  it('shares one write and fdatasync among appends issued together', async () => {
    const outbox = await open();
    const seqs = await Promise.all(Array.from({ length: 500 }, (_, i) => outbox.appendWithSeq(message(i))));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Seqs follow call order.
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(outbox.stats().batches).toBeLessThanOrEqual(2);
    expect(outbox.stats().appended).toBe(500);
  });

  it('writes one batch per append when appends are sequential', async () => {
    const outbox = await open();
    for (let n = 0; n < 5; n++) await outbox.append(message(n));
    expect(outbox.stats().batches).toBe(5);
  });

  it('notifies subscribers only after the record is durable, in seq order', async () => {
    const outbox = await open();
    const seen: number[] = [];
    let readable = true;
    const stop = outbox.subscribe((r) => {
      seen.push(r.seq);
      void outbox.read(r.seq, 1).then((rs) => {
        if (rs[0]?.seq !== r.seq) readable = false;
      });
    });
    await Promise.all([1, 2, 3].map((n) => outbox.append(message(n))));
    await outbox.append(message(4));
    stop();
    await outbox.append(message(5));
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(readable).toBe(true);
  });
});

describe('telemetry outbox: torn tail', () => {
  it('cuts a half-written record off the last segment on open and appends after it', async () => {
    const outbox = await open();
    for (let n = 1; n <= 5; n++) await outbox.append(message(n));
    await outbox.close();
    const [last] = (await segmentFiles()).slice(-1);
    const path = join(temp.dir, last!);
    const intact = (await stat(path)).size;
    // A frame header that promises 500 bytes, followed by only 20 of them.
    const torn = Buffer.alloc(28);
    torn.writeUInt32LE(500, 0);
    await appendFile(path, torn);

    const again = await open();
    expect(again.stats()).toMatchObject({ lastSeq: 5, truncatedBytes: 28 });
    expect((await stat(path)).size).toBe(intact);
    expect(await again.appendWithSeq(message(6))).toBe(6);
    await again.close();

    const third = await open();
    expect((await readAll(third)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('treats zeros after the last record (a pre-extended file) as a torn tail', async () => {
    const outbox = await open();
    await outbox.append(message(1));
    await outbox.close();
    const [last] = (await segmentFiles()).slice(-1);
    await appendFile(join(temp.dir, last!), Buffer.alloc(4096));
    const again = await open();
    expect(again.stats()).toMatchObject({ lastSeq: 1, truncatedBytes: 4096 });
  });
});

describe('telemetry outbox: budget', () => {
  const small = { segmentBytes: 4096, budgetBytes: 16 * 1024 };

  it('drop-oldest deletes whole old segments, stays within budget and counts the loss', async () => {
    const outbox = await open({ ...small, dropPolicy: 'drop-oldest' });
    for (let n = 1; n <= 300; n++) await outbox.append(message(n, 300));
    const stats = outbox.stats();
    expect(stats.bytes).toBeLessThanOrEqual(small.budgetBytes);
    expect(stats.lastSeq).toBe(300);
    expect(stats.firstSeq).toBeGreaterThan(1);
    expect(stats.droppedRecords).toBe(stats.firstSeq - 1);
    expect(stats.rejectedRecords).toBe(0);
    const records = await readAll(outbox);
    expect(records[0]?.seq).toBe(stats.firstSeq);
    expect(records.map((r) => r.seq)).toEqual(
      Array.from({ length: 300 - stats.firstSeq + 1 }, (_, i) => i + stats.firstSeq),
    );
    let total = 0;
    for (const name of await segmentFiles()) total += (await stat(join(temp.dir, name))).size;
    expect(total).toBe(stats.bytes);
  });

  it('reject-new refuses appends with QUEUE_FULL once full and keeps every accepted record', async () => {
    const outbox = await open({ ...small, dropPolicy: 'reject-new' });
    const accepted: number[] = [];
    const refused: unknown[] = [];
    for (let n = 1; n <= 300; n++) {
      await outbox.appendWithSeq(message(n, 300)).then(
        (seq) => accepted.push(seq),
        (err) => refused.push(err),
      );
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => isHubError(e, 'QUEUE_FULL'))).toBe(true);
    const stats = outbox.stats();
    expect(stats).toMatchObject({ firstSeq: 1, droppedRecords: 0, rejectedRecords: refused.length });
    expect(stats.bytes).toBeLessThanOrEqual(small.budgetBytes);
    expect((await readAll(outbox)).map((r) => r.seq)).toEqual(accepted);

    // Once the consumer has taken records over, their segments may go and appends succeed again.
    await outbox.advanceCursor(stats.lastSeq);
    expect(await outbox.appendWithSeq(message(301, 300))).toBe(stats.lastSeq + 1);
    expect(outbox.stats().droppedRecords).toBe(0);
  });

  it('refuses budgets that do not hold two segments', async () => {
    await expect(
      openTelemetryOutbox({ dir: temp.dir, segmentBytes: 8192, budgetBytes: 10_000 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('telemetry outbox: cursor and following', () => {
  it('keeps the cursor across a reopen and refuses a cursor past the last record', async () => {
    const outbox = await open();
    for (let n = 1; n <= 5; n++) await outbox.append(message(n));
    await outbox.advanceCursor(3);
    await outbox.advanceCursor(2); // never backwards
    expect(isHubError(await outbox.advanceCursor(9).catch((e) => e), 'INVALID_ARGUMENT')).toBe(true);
    await outbox.close();
    const again = await open();
    expect(again.stats().cursor).toBe(3);
  });

  it('replays from a seq and then delivers live records, in order and without duplicates', async () => {
    const outbox = await open();
    for (let n = 1; n <= 5; n++) await outbox.append(message(n));
    const got: number[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const stop = followOutbox(outbox, {
      fromSeq: 3,
      batch: 2,
      deliver: async (records) => {
        got.push(...records.map((r) => r.seq));
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (got.at(-1) === 40) done();
      },
      onError: (err) => {
        throw err;
      },
    });
    await Promise.all(Array.from({ length: 35 }, (_, i) => outbox.append(message(i + 6))));
    await finished;
    stop();
    expect(got).toEqual(Array.from({ length: 38 }, (_, i) => i + 3));
  });
});
