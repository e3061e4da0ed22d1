/**
 * Works out which hub a fleet talks to from flags, a service connection string and/or the hub's data
 * directory, so that `outpost simulate --devices 50` on the hub machine needs no other flag.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hasRight, parseConnectionString, type SharedAccessPolicy } from '@outpost/core';
import { loadConfig } from '../config';
import { readHubInfo } from '../hub-info';
import { readStoreCollection } from '../store';
import type { HubRestOptions } from './hub-rest-client';

/** What the user gave; everything is optional. */
export interface HubTargetInput {
  /** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…` of a policy with RegistryWrite. */
  connectionString?: string;
  /** The hub's data directory; default `./data` (or OUTPOST_DATA_DIR). */
  dataDir?: string;
  /** The REST API; default `https://localhost:<httpsPort of hub.json, else 8443>`. */
  httpsUrl?: string;
  /** The MQTT endpoint; default `mqtts://localhost:<mqttsPort>`. */
  url?: string;
  /** A CA file; default `<dataDir>/tls/ca.pem` when it exists. */
  caFile?: string;
  /** The HostName devices sign for; default the connection string's, else hub.json's. */
  hostName?: string;
}

/** A resolved target: where to provision, where to connect, what to trust and sign. */
export interface HubTarget {
  rest: HubRestOptions;
  hostName: string;
  url: string;
  ca?: string;
  /** Where each value came from, for the startup banner. */
  sources: string[];
}

/** Resolves the target; throws an Error that tells the user which flag to pass. */
export async function resolveHubTarget(input: HubTargetInput, cwd = process.cwd()): Promise<HubTarget> {
  const config = await loadConfig({
    argv: input.dataDir ? { dataDir: input.dataDir } : {},
    env: process.env,
    cwd,
  });
  const dataDir = config.dataDir;
  const info = await readHubInfo(dataDir);
  const sources: string[] = [];

  let policy: { name: string; key: string };
  let hostName = input.hostName;
  if (input.connectionString) {
    const cs = parseConnectionString(input.connectionString);
    if (!cs.HostName || !cs.SharedAccessKeyName || !cs.SharedAccessKey) {
      throw new Error('--connection-string needs HostName, SharedAccessKeyName and SharedAccessKey.');
    }
    policy = { name: cs.SharedAccessKeyName, key: cs.SharedAccessKey };
    hostName ??= cs.HostName;
    sources.push(`policy ${policy.name} from --connection-string`);
  } else {
    policy = await policyFromDataDir(dataDir);
    sources.push(`policy ${policy.name} from ${dataDir}`);
  }
  hostName ??= info?.hostName ?? config.hostName;

  let ca: string | undefined;
  const caFile = input.caFile ?? path.join(dataDir, 'tls', 'ca.pem');
  try {
    ca = await readFile(path.resolve(cwd, caFile), 'utf8');
    sources.push(`CA ${caFile}`);
  } catch (err) {
    if (input.caFile) throw new Error(`Cannot read the CA file ${input.caFile}: ${(err as Error).message}`);
    sources.push("no hub CA found: trusting Node's roots (NODE_EXTRA_CA_CERTS)");
  }

  // hub.json has no MQTT port yet; read it if a later hub writes one, else the configured port.
  const mqttsPort = (info as { mqttsPort?: unknown } | undefined)?.mqttsPort;
  const url =
    input.url ?? `mqtts://localhost:${typeof mqttsPort === 'number' ? mqttsPort : config.mqttsPort}`;
  const baseUrl = input.httpsUrl ?? `https://localhost:${info?.httpsPort ?? config.httpsPort}`;
  return {
    rest: {
      baseUrl,
      hostName,
      policyName: policy.name,
      key: policy.key,
      ...(ca === undefined ? {} : { ca }),
    },
    hostName,
    url,
    ...(ca === undefined ? {} : { ca }),
    sources,
  };
}

async function policyFromDataDir(dataDir: string): Promise<{ name: string; key: string }> {
  const docs = await readStoreCollection(path.join(dataDir, 'store'), 'policies');
  if (docs.size === 0) {
    throw new Error(
      `No hub data in ${dataDir}. Run on the hub machine (or pass --data-dir), or give --connection-string.`,
    );
  }
  const policies = [...docs.values()] as SharedAccessPolicy[];
  // iothubowner first: it is the policy an operator expects; any RegistryWrite policy will do.
  const writable = policies
    .filter((p) => hasRight(p, 'RegistryWrite') && p.primaryKey !== '')
    .sort((a, b) => Number(b.name === 'iothubowner') - Number(a.name === 'iothubowner'));
  const chosen = writable[0];
  if (!chosen) throw new Error(`No policy in ${dataDir} has RegistryWrite; pass --connection-string.`);
  return { name: chosen.name, key: chosen.primaryKey };
}
