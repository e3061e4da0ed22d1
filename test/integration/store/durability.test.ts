import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LowdbStore, openLowdbStore } from '../../../edge-runtime/src/store';
import { createFaultFs } from './fault-fs';
import { deviceCommit, makeTempDir } from './helpers';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/commit-child.ts', import.meta.url));
const HOUR = 3_600_000;

let temp: Awaited<ReturnType<typeof makeTempDir>>;

beforeEach(async () => {
  temp = await makeTempDir();
});

afterEach(async () => {
  await temp.remove();
});

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('lowdb store: a commit resolves only once durable', () => {
  it.each([
    ['the segment file fsync', /[/\\]journal[/\\].*\.tmp$/],
    ['the journal directory fsync', /[/\\]journal$/],
  ])('is still pending while %s is', async (_step, pattern) => {
    const fs = createFaultFs();
    const store = await openLowdbStore({ dir: temp.dir, fs, checkpointIntervalMs: HOUR });
    await store.load();
    fs.holdSync = pattern;
    let settled = false;
    const pending = store.commit(deviceCommit(1)).finally(() => {
      settled = true;
    });
    expect(await fs.reached).toMatch(pattern);
    await turns(10);
    expect(settled).toBe(false);
    fs.release();
    await pending;
    expect(settled).toBe(true);
    await store.close();
  });

  it('rejects the commits of a batch whose write fails, and neither keeps nor feeds them', async () => {
    const fs = createFaultFs();
    const store = await openLowdbStore({ dir: temp.dir, fs, checkpointIntervalMs: HOUR });
    await store.load();
    await store.commit(deviceCommit(1, 'dev-a'));
    fs.failOpen = /[/\\]journal[/\\]/;
    const failing = [store.commit(deviceCommit(2, 'dev-a')), store.commit(deviceCommit(3, 'dev-b'))];
    for (const commit of failing) await expect(commit).rejects.toThrow(/EIO/);
    expect(store.stats().failedBatches).toBe(1);
    expect((await readdir(join(temp.dir, 'journal'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    fs.failOpen = null;
    await store.commit(deviceCommit(4, 'dev-c'));
    expect((await store.readChanges(0, 10)).map((c) => c.seq)).toEqual([1, 4]);

    const reopened = await openLowdbStore({ dir: temp.dir, checkpointIntervalMs: HOUR });
    const snapshot = await reopened.load();
    expect([...(snapshot.collections.get('devices')?.keys() ?? [])].sort()).toEqual(['dev-a', 'dev-c']);
    expect(snapshot.collections.get('devices')?.get('dev-a')).toMatchObject({ version: 1 });
    expect((await reopened.readChanges(0, 10)).map((c) => c.seq)).toEqual([1, 4]);
    await reopened.close();
  });
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

async function readAllChanges(store: LowdbStore): Promise<number[]> {
  const seqs: number[] = [];
  for (;;) {
    const page = await store.readChanges(seqs.at(-1) ?? 0, 1_000);
    seqs.push(...page.map((c) => c.seq));
    if (page.length < 1_000) return seqs;
  }
}

describe('lowdb store: kill -9', () => {
  it('keeps every acknowledged commit when the process is killed mid-stream', async () => {
    let previousLast = 0;
    for (const killAfter of [1_500, 400, 2_500]) {
      const acked = await runAndKill(temp.dir, killAfter);
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);

      const store = await openLowdbStore({
        dir: temp.dir,
        shards: { devices: 8 },
        checkpointIntervalMs: HOUR,
      });
      const snapshot = await store.load();
      expect(snapshot.lastSeq).toBeGreaterThanOrEqual(Math.max(...acked));
      const seqs = await readAllChanges(store);
      const retained = new Set(seqs);
      expect(acked.filter((seq) => !retained.has(seq))).toEqual([]);
      // The feed has no holes or reordering: everything from the first round on, ascending.
      expect(seqs).toEqual(Array.from({ length: snapshot.lastSeq }, (_, i) => i + 1));
      const devices = snapshot.collections.get('devices') as Map<string, { version: number }>;
      const stale = acked.filter((seq) => !((devices.get(`dev-${seq % 200}`)?.version ?? 0) >= seq));
      expect(stale).toEqual([]);
      expect(snapshot.lastSeq).toBeGreaterThan(previousLast);
      previousLast = snapshot.lastSeq;
      await store.close();
    }
  });
});
