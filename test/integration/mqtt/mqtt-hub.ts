import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSasToken, silentLogger } from '@outpost/core';
import {
  type EdgeRuntime,
  type RuntimeConfig,
  type RuntimeOverrides,
  startEdgeRuntime,
} from '@outpost/edge-runtime';
import { httpsRequest, type TestResponse } from '../../helpers/https-client';
import {
  connectDevice,
  type DeviceConnectOptions,
  deviceToken,
  type TestDevice,
} from '../../helpers/mqtt-device';
import { OWNER_KEY, testConfig } from '../../helpers/test-hub';

/** A runtime for MQTT tests that can be restarted on its data directory. */
export interface MqttTestHub {
  runtime: EdgeRuntime;
  dataDir: string;
  ca: string;
  /** Calls the service API as iothubowner (api-version added). */
  call(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** Registers a SAS device and returns its primary key. */
  createDevice(deviceId: string): Promise<string>;
  /** Connects a registered SAS device over MQTT/TLS (or `url`). */
  connect(deviceId: string, key: string, more?: Partial<DeviceConnectOptions>): Promise<TestDevice>;
  /** Closes a device's connection and waits until the hub has seen it end (deviceDisconnected). */
  disconnect(device: TestDevice, deviceId: string): Promise<void>;
  /** Closes the runtime and starts a new one on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a hub in a fresh temp directory. */
export async function startMqttTestHub(
  config: Partial<RuntimeConfig> = {},
  overrides: RuntimeOverrides = {},
): Promise<MqttTestHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-mqtt-'));
  const start = () =>
    startEdgeRuntime(testConfig(dataDir, config), {
      logger: silentLogger,
      ownerKey: OWNER_KEY,
      adminPassword: 'admin-password-for-tests',
      ...overrides,
    });
  const hub: MqttTestHub = {
    runtime: await start(),
    dataDir,
    ca: '',
    call(method, pathAndQuery, body, headers = {}) {
      const owner = hub.runtime.hub.policies.get('iothubowner')!;
      const token = createSasToken({
        resourceUri: 'localhost',
        key: owner.primaryKey,
        policyName: owner.name,
        expiresAt: Math.ceil(Date.now() / 1000) + 3600,
      });
      const sep = pathAndQuery.includes('?') ? '&' : '?';
      return httpsRequest({
        method,
        url: `${hub.runtime.urls.https}${pathAndQuery}${sep}api-version=2021-04-12`,
        ca: hub.ca,
        headers: { authorization: token, ...headers },
        ...(body !== undefined ? { body } : {}),
      });
    },
    async createDevice(deviceId) {
      const res = await hub.call('PUT', `/devices/${deviceId}`, { deviceId });
      if (res.status !== 200) throw new Error(`creating ${deviceId}: ${res.status} ${res.text}`);
      return (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
        .symmetricKey.primaryKey;
    },
    connect(deviceId, key, more = {}) {
      return connectDevice({
        url: hub.runtime.urls.mqtts,
        ca: hub.ca,
        deviceId,
        token: deviceToken({ host: 'localhost', deviceId, key }),
        ...more,
      });
    },
    async disconnect(device, deviceId) {
      const gone = new Promise<void>((resolve) => {
        const off = hub.runtime.hub.events.on('deviceDisconnected', 'test', (e) => {
          if (e.deviceId !== deviceId) return;
          off();
          resolve();
        });
      });
      await device.close();
      await gone;
    },
    async restart() {
      await hub.runtime.close();
      hub.runtime = await start();
    },
    async close() {
      await hub.runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  hub.ca = await readFile(hub.runtime.paths.caPem, 'utf8');
  return hub;
}
