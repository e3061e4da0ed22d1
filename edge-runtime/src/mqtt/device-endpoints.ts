/**
 * The gateway with its listeners, as the runtime starts them: MQTT over TLS first (so that devices
 * get CONNACK 3 while the store loads), plain TCP on loopback when configured, and MQTT over
 * WebSockets once the HTTPS server exists.
 */
import type { Server as HttpsServer } from 'node:https';
import type { Logger, TelemetrySink } from '@outpost/core';
import { createMqttGateway, type MqttGateway } from './gateway';
import {
  attachWebSocketListener,
  type MqttListener,
  startMqttsListener,
  startPlainListener,
} from './listeners';
import { loadTrustedDeviceCas } from './trusted-cas';

/** What the endpoints are built from. */
export interface DeviceEndpointOptions {
  hostNames: readonly string[];
  skewSeconds: number;
  telemetrySink: TelemetrySink;
  logger: Logger;
  /** The hub's TLS directory (holds `trusted-device-cas/`). */
  tlsDir: string;
  /** The hub's server certificate, its key and the hub CA. */
  pki: { certPem: string; keyPem: string; caPem: string };
  bind: string;
  mqttsPort: number;
  /** Plain MQTT on 127.0.0.1; off when undefined. */
  mqttPlainPort?: number;
}

/** The running endpoints. */
export interface DeviceEndpoints {
  gateway: MqttGateway;
  /** The bound MQTT over TLS port. */
  mqttsPort: number;
  /** The bound plain MQTT port (127.0.0.1), when enabled. */
  mqttPlainPort?: number;
  /** CAs whose client certificates devices may present: the hub CA and `trusted-device-cas/`. */
  deviceCas: string[];
  /** Serves MQTT over WebSockets at `/$iothub/websocket` on the hub's HTTPS server. */
  serveWebSockets(server: HttpsServer): void;
  /** Stops the gateway (CONNACK 3 meanwhile), then every listener. */
  close(): Promise<void>;
}

/** Starts the gateway and its TCP listeners. */
export async function startDeviceEndpoints(options: DeviceEndpointOptions): Promise<DeviceEndpoints> {
  const { logger } = options;
  const gateway = await createMqttGateway(options);
  const handle = gateway.handle.bind(gateway);
  const trusted = await loadTrustedDeviceCas(options.tlsDir, logger);
  const deviceCas = [options.pki.caPem, ...trusted];
  const listeners: MqttListener[] = [];
  const detach: (() => void)[] = [];
  const close = async () => {
    await gateway.stop();
    for (const off of detach.splice(0)) off();
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  };
  try {
    const mqtts = await startMqttsListener({
      handle,
      cert: options.pki.certPem,
      key: options.pki.keyPem,
      ca: deviceCas,
      port: options.mqttsPort,
      host: options.bind,
      logger,
    });
    listeners.push(mqtts);
    const plain =
      options.mqttPlainPort === undefined
        ? undefined
        : await startPlainListener({ handle, port: options.mqttPlainPort });
    if (plain) listeners.push(plain);
    return {
      gateway,
      mqttsPort: mqtts.port,
      deviceCas,
      ...(plain ? { mqttPlainPort: plain.port } : {}),
      serveWebSockets(server) {
        detach.push(attachWebSocketListener(server, handle, logger));
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
