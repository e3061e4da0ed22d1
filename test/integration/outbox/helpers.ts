import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryMessage } from '@outpost/core';

/** A fresh temp directory for one test, and its removal. */
export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-outbox-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A telemetry message number `n` with a body of about `bytes` bytes. */
export function message(n: number, bytes = 100, deviceId = `dev-${n % 5}`): TelemetryMessage {
  return {
    deviceId,
    enqueuedTime: new Date(1_700_000_000_000 + n).toISOString(),
    systemProperties: { '$.mid': `m-${n}`, '$.ct': 'application/json' },
    properties: { n: String(n), 'with space': 'a&b=c' },
    body: Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(Math.max(0, bytes - 20)) })),
  };
}
