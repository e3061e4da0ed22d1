/**
 * The official azure-iot-device + azure-iot-device-mqtt (unmodified, in process) against a real
 * runtime on a loopback address of its own: MQTTS on 8883 and HTTPS/WSS on 443, as a site runs it.
 * Every device feature, over `Mqtt` and `MqttWs`, with a SAS key and with an X.509 thumbprint.
 *  - SAS: HostName=<cloud hub name>, GatewayHostName=<address>[:8883] (device-protocol.md §1.2, §3).
 *  - X.509: `x509=true` ignores GatewayHostName, so HostName=<address> and the SDK dials :8883 / :443.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  c2dRoundTrip,
  desiredRoundTrip,
  invokeEcho,
  propertiesOf,
  reportedRoundTrip,
} from '../helpers/compat-device-checks';
import {
  CLOUD_HOST,
  createSasDevice,
  createThumbprintDevice,
  DEVICE_PORTS,
  type HubApi,
  hubApi,
} from '../helpers/compat-device-hub';
import { type SdkCredentials, type SdkTransport, startSdkDevice } from '../helpers/compat-device-sdk';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';

let hub: CompatHub;
let api: HubApi;
let ca: string;

beforeAll(async () => {
  // startCompatHub retries another address when 443 or 8883 is taken (EADDRINUSE).
  hub = await startCompatHub({ mqttsPort: DEVICE_PORTS.mqtts, hostAliases: [CLOUD_HOST] });
  ca = await readFile(hub.caPath, 'utf8');
  api = hubApi(hub.runtime.urls.https, ca);
});
afterAll(() => hub?.close());

const cases: [SdkTransport, 'sas' | 'x509'][] = [
  ['Mqtt', 'sas'],
  ['MqttWs', 'sas'],
  ['Mqtt', 'x509'],
  ['MqttWs', 'x509'],
];

describe('azure-iot-device (unmodified) against Outpost on :8883 and :443', () => {
  it('listens where an unmodified device dials: mqtts://<address>:8883 and wss://<address>:443', () => {
    expect(hub.runtime.urls.mqtts).toBe(`mqtts://${hub.address}:8883`);
    expect(hub.runtime.urls.mqttWs).toBe(`wss://${hub.address}:443/$iothub/websocket`);
  });

  it.each(cases)(
    '%s with %s: open, twin, reported, desired, method, telemetry and C2D',
    async (transport, auth) => {
      const deviceId = `sdk-${transport}-${auth}`.toLowerCase();
      const credentials: SdkCredentials =
        auth === 'sas'
          ? { kind: 'sas', key: await createSasDevice(api, deviceId) }
          : { kind: 'x509', ...(await createThumbprintDevice(api, deviceId)) };
      let connections = 0;
      const off = hub.runtime.hub.events.on('deviceConnected', 'compat-test', (e) => {
        if (e.deviceId === deviceId) connections++;
      });

      // open() and getTwin() (inside startSdkDevice) resolve only on CONNACK 0 and a 200 GET answer.
      const device = await startSdkDevice({ deviceId, transport, credentials, address: hub.address, ca });
      try {
        expect(connections).toBe(1);
        expect(device.twin.properties.desired.$version).toBeTypeOf('number');
        expect(device.twin.properties.reported.$version).toBeTypeOf('number');

        // Reported properties: visible in the service twin.
        const reported = await reportedRoundTrip(api, device, { firmware: '1.2.3', transport, auth });
        expect(reported).toMatchObject({ firmware: '1.2.3', transport, auth });

        // Desired patch: the SDK fires properties.desired with the patch and its $version.
        const desired = await desiredRoundTrip(api, device);
        expect(desired.status).toBe(200);
        expect(desired.delta.marker).toBe(desired.marker);
        expect(desired.delta.$version).toBeTypeOf('number');

        // Direct method answered by onDeviceMethod.
        const method = await invokeEcho(api, deviceId, { delay: 5, via: transport });
        expect(method).toEqual({
          status: 200,
          json: { status: 200, payload: { deviceId, payload: { delay: 5, via: transport } } },
        });

        // Telemetry: sendEvent resolves on the PUBACK, and the message is in the hub's outbox.
        const messageId = `${deviceId}-t1`;
        expect(await device.send(messageId, { t: 21.5 }, { alert: 'high' })).toBe('MessageEnqueued');
        const records = await hub.runtime.telemetry.read(1, 100_000);
        const stored = records.find(
          (r) => r.deviceId === deviceId && r.systemProperties['$.mid'] === messageId,
        );
        expect(stored, `telemetry ${messageId} in the outbox`).toBeDefined();
        expect(stored!.properties).toEqual({ alert: 'high' });
        expect(stored!.systemProperties).toMatchObject({ '$.ct': 'application/json', '$.ce': 'utf-8' });
        expect(JSON.parse(stored!.body.toString('utf8'))).toEqual({ t: 21.5 });

        // C2D through the REST API, received by client.on('message') with its properties decoded.
        const c2d = await c2dRoundTrip(api, device);
        expect(c2d.status).toBe(202);
        expect(c2d.received?.messageId).toBe(c2d.messageId);
        expect(c2d.received?.contentType).toBe('application/json');
        expect(JSON.parse(c2d.received!.data.toString())).toMatchObject({ led: 'on' });
        expect(propertiesOf(c2d.received!)).toEqual({ color: 'blue', 'with space': 'a&b=c/d' });

        expect(device.problems).toEqual([]);
      } finally {
        off();
        await device.close();
      }
    },
  );
});
