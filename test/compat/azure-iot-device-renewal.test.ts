/**
 * SAS token renewal with the unmodified SDK (device-protocol.md §1.5): the SDK sends DISCONNECT,
 * reconnects with a new token (clean=0) and re-subscribes nothing, so desired patches, methods and
 * C2D must keep flowing on the hub's remembered subscriptions. Tokens of 20 s renewed 15 s early make
 * the SDK reconnect every ~5 s.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { c2dRoundTrip, desiredRoundTrip, invokeEcho } from '../helpers/compat-device-checks';
import { CLOUD_HOST, createSasDevice, DEVICE_PORTS, type HubApi, hubApi } from '../helpers/compat-device-hub';
import { Feed, type SdkTransport, startSdkDevice } from '../helpers/compat-device-sdk';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';

let hub: CompatHub;
let api: HubApi;
let ca: string;

beforeAll(async () => {
  hub = await startCompatHub({ mqttsPort: DEVICE_PORTS.mqtts, hostAliases: [CLOUD_HOST] });
  ca = await readFile(hub.caPath, 'utf8');
  api = hubApi(hub.runtime.urls.https, ca);
});
afterAll(() => hub?.close());

describe('azure-iot-device (unmodified) through SAS token renewals', () => {
  it.each<SdkTransport>(['Mqtt', 'MqttWs'])(
    '%s: desired patches, methods and C2D still arrive after the renewal reconnects',
    async (transport) => {
      const deviceId = `renew-${transport}`.toLowerCase();
      const key = await createSasDevice(api, deviceId);
      // The hub's view: one deviceConnected per CONNACK'd connection (the renewal's DISCONNECT ends the old one first).
      const hubConnects = new Feed<number>();
      const off = hub.runtime.hub.events.on('deviceConnected', 'renewal-test', (e) => {
        if (e.deviceId === deviceId) hubConnects.push(hubConnects.items.length + 1);
      });
      const statsBefore = hub.runtime.gatewayStats();
      const device = await startSdkDevice({
        deviceId,
        transport,
        credentials: { kind: 'sas', key },
        address: hub.address,
        ca,
        tokenRenewal: { tokenValidTimeInSeconds: 20, tokenRenewalMarginInSeconds: 15 },
      });
      try {
        // Before any renewal: every subscription is in place (the method waits for its SUBACK).
        expect((await invokeEcho(api, deviceId, { before: true })).status).toBe(200);
        expect((await desiredRoundTrip(api, device)).status).toBe(200);
        expect((await c2dRoundTrip(api, device)).received).toBeDefined();
        expect(hubConnects.items).toEqual([1]);

        // Two renewals, each a DISCONNECT and a new CONNECT with a fresh token, seen by the hub.
        // (The SDK's own 'connect' event does not fire: its transport state machine stays "connected".)
        await hubConnects.next((n) => n === 3, 'the second renewal (hub connection #3)', 25_000);
        expect(device.problems).toEqual([]);

        const desired = await desiredRoundTrip(api, device);
        expect(desired.status).toBe(200);
        expect(desired.delta.marker).toBe(desired.marker);

        const method = await invokeEcho(api, deviceId, { after: 'renewal' }, 0);
        expect(method).toEqual({
          status: 200,
          json: { status: 200, payload: { deviceId, payload: { after: 'renewal' } } },
        });

        const c2d = await c2dRoundTrip(api, device);
        expect(c2d.status).toBe(202);
        expect(c2d.received?.messageId).toBe(c2d.messageId);

        expect(await device.send(`${deviceId}-after`, { renewed: true })).toBe('MessageEnqueued');
        const stats = hub.runtime.gatewayStats();
        expect(stats.connectsAccepted - statsBefore.connectsAccepted).toBeGreaterThanOrEqual(3);
        expect(stats.connectsRefused - statsBefore.connectsRefused).toBe(0);
      } finally {
        off();
        await device.close();
      }
    },
    60_000,
  );
});
