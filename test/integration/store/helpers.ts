import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '@outpost/core/contracts';
import type { CommitEntry } from '@outpost/core/ports';

/** A fresh temp directory for one test, and its removal. */
export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-store-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A change-feed entry with this seq about device `id`. */
export function changeOf(seq: number, id = `dev-${seq}`): Change {
  return {
    seq,
    hlc: `${String(1_700_000_000_000 + seq).padStart(15, '0')}-0000-hub`,
    origin: 'hub-test',
    actor: { type: 'policy', id: 'iothubowner' },
    kind: 'twinReportedChanged',
    id,
    at: new Date(1_700_000_000_000 + seq).toISOString(),
    patch: { temperature: seq % 40 },
  };
}

/** A device document of roughly `bytes` bytes. */
export function deviceDoc(id: string, version: number, bytes = 200): Record<string, unknown> {
  return { deviceId: id, version, status: 'enabled', properties: { reported: { blob: 'x'.repeat(bytes) } } };
}

/** A commit that changes device `id` with change `seq`. */
export function deviceCommit(seq: number, id = `dev-${seq}`, bytes = 200): CommitEntry {
  return {
    change: changeOf(seq, id),
    writes: [{ collection: 'devices', id, doc: deviceDoc(id, seq, bytes) }],
  };
}
