/** Small helpers of the durability tests around `outpost start` child processes (hub-process.ts). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type HubApi, hubApi } from './compat-device-hub';
import type { HubProcess } from './hub-process';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The `mqtts://host:port` a started hub printed (its port is ephemeral, so it changes per start).
 * startHubProcess resolves on the HTTPS line; the MQTT line may come in a later stdout chunk.
 */
export async function mqttsUrlOf(proc: HubProcess, timeoutMs = 5_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = /MQTT \(TLS\)\s+(mqtts:\/\/\S+)/.exec(proc.stdout());
    if (m) return m[1]!;
    if (Date.now() > end) throw new Error(`the hub printed no MQTT (TLS) URL:\n${proc.stdout()}`);
    await sleep(10);
  }
}

/** The hub CA (the data directory keeps it across restarts) and the API of whichever process is current. */
export async function apiOf(dataDir: string, current: () => HubProcess): Promise<HubApi> {
  const ca = await readFile(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
  return hubApi(() => current().httpsUrl, ca);
}
