import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Non-secret facts about the hub that last ran in a data directory. */
export interface HubInfo {
  hubId: string;
  hostName: string;
  hostAliases: string[];
  httpsPort: number;
  /** The MQTT over TLS port devices use. */
  mqttsPort?: number;
}

const FILE = 'hub.json';

/** Writes `DATA_DIR/hub.json` atomically. */
export async function writeHubInfo(dataDir: string, info: HubInfo): Promise<void> {
  const target = path.join(dataDir, FILE);
  await writeFile(`${target}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  await rename(`${target}.tmp`, target);
}

/** Reads `DATA_DIR/hub.json`, or undefined when the hub never ran there. */
export async function readHubInfo(dataDir: string): Promise<HubInfo | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, FILE), 'utf8')) as HubInfo;
  } catch {
    return undefined;
  }
}
