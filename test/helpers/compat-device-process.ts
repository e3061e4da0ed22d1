/**
 * `outpost start` as a child process where unmodified devices dial it (443 and 8883 of a loopback
 * address of its own), restartable on the same address and data directory after a kill -9.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLOUD_HOST, DEVICE_PORTS, freeLoopback, type HubApi, hubApi } from './compat-device-hub';
import { type HubProcess, startHubProcess } from './hub-process';

/** A hub process that can be killed and started again on the same address and data. */
export interface DeviceHubProcess {
  address: string;
  dataDir: string;
  /** The hub CA (PEM); the data directory keeps it across restarts. */
  ca: string;
  /** The service API of whichever process is current. */
  api: HubApi;
  current(): HubProcess;
  /** Starts a new process (the previous one must have exited). */
  restart(): Promise<HubProcess>;
  stop(): Promise<void>;
}

function args(address: string): string[] {
  // Later options win (commander keeps the last value), overriding hub-process.ts's defaults.
  return [
    '--bind',
    address,
    '--host-name',
    address,
    '--host-aliases',
    CLOUD_HOST,
    '--https-port',
    String(DEVICE_PORTS.https),
    '--mqtts-port',
    String(DEVICE_PORTS.mqtts),
  ];
}

/** Starts the first process on a free loopback address. */
export async function startDeviceHubProcess(dataDir: string): Promise<DeviceHubProcess> {
  let address = '';
  let proc: HubProcess | undefined;
  for (let attempt = 0; attempt < 5 && !proc; attempt++) {
    address = await freeLoopback();
    try {
      proc = await startHubProcess(dataDir, args(address));
    } catch (err) {
      // Lost the address to another test between the probe and the listen.
      if (!/EADDRINUSE/.test(String(err))) throw err;
    }
  }
  if (!proc) throw new Error('could not start a hub process on a free loopback address');
  let current = proc;
  const ca = await readFile(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
  return {
    address,
    dataDir,
    ca,
    api: hubApi(() => current.httpsUrl, ca),
    current: () => current,
    async restart() {
      current = await startHubProcess(dataDir, args(address));
      return current;
    },
    async stop() {
      if (current.child.exitCode === null && current.child.signalCode === null) await current.kill('SIGTERM');
    },
  };
}
