import { spawn } from 'node:child_process';
import { appendFile, readFile, truncate } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTelemetryOutbox, type TelemetryOutbox } from '../../../edge-runtime/src/outbox';
import { decodeFrame } from '../../../edge-runtime/src/outbox/record-codec';
import { listSegmentFiles } from '../../../edge-runtime/src/outbox/segment-file';
import { makeTempDir } from './helpers';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/append-child.ts', import.meta.url));

let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await temp.remove();
});

/** Runs the child until it has printed `killAfter` acknowledged seqs, then SIGKILLs it. */
function runAndKill(dir: string, killAfter: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!/^\d+$/.test(line)) continue;
      acked.push(Number(line));
      if (acked.length === killAfter) child.kill('SIGKILL');
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited early (${code}): ${stderr}`));
    });
  });
}

/**
 * A kill -9 never tears a write() (the kernel has the bytes), so power loss is simulated on top:
 * the last segment is cut in the middle of the first record nobody was told about, or, if every
 * record was acknowledged, half a frame is appended. Either way the next open must truncate it.
 */
async function tearTail(dir: string, maxAcked: number): Promise<void> {
  const last = (await listSegmentFiles(dir)).at(-1)!;
  const buf = await readFile(last.path);
  for (let offset = 0; offset < buf.length; ) {
    const frame = decodeFrame(buf, offset);
    if (frame.kind !== 'record') break;
    if (frame.seq > maxAcked) {
      await truncate(last.path, offset + Math.floor(frame.size / 2));
      return;
    }
    offset += frame.size;
  }
  const half = Buffer.alloc(120, 0x5a);
  half.writeUInt32LE(1_000, 0);
  await appendFile(last.path, half);
}

async function readAll(outbox: TelemetryOutbox) {
  const out = [];
  for (;;) {
    const page = await outbox.read((out.at(-1)?.seq ?? 0) + 1, 1_000);
    out.push(...page);
    if (page.length < 1_000) return out;
  }
}

describe('telemetry outbox: kill -9', () => {
  it('keeps every acknowledged record and surfaces no half-written one', async () => {
    let previousLast = 0;
    for (const killAfter of [3_000, 700, 5_000]) {
      const acked = await runAndKill(temp.dir, killAfter);
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);
      await tearTail(temp.dir, Math.max(...acked));

      const outbox = await openTelemetryOutbox({
        dir: temp.dir,
        segmentBytes: 64 * 1024,
        budgetBytes: 64 * 1024 ** 2,
      });
      expect(outbox.stats().truncatedBytes).toBeGreaterThan(0);
      const records = await readAll(outbox);
      const seqs = records.map((r) => r.seq);
      const retained = new Set(seqs);
      expect(acked.filter((seq) => !retained.has(seq))).toEqual([]);
      // No holes, no reordering, nothing half-written: every record decodes to what was sent.
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      for (const r of records) expect(JSON.parse(r.body.toString()).n).toBe(Number(r.properties.n));
      expect(outbox.stats().lastSeq).toBeGreaterThan(previousLast);
      previousLast = outbox.stats().lastSeq;
      await outbox.close();
    }
  }, 120_000);
});
