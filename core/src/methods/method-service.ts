/**
 * Direct-method invocation (device-protocol.md §2.7, §5 item 9): validate, find the device, wait
 * for it to connect when the caller allows that, send the request over the device link and hand
 * back its answer. An offline device is DEVICE_NOT_ONLINE at once (404, never 503), a silent one
 * GATEWAY_TIMEOUT (504).
 */

import { HubError } from '../errors';
import type { EventBus } from '../events/event-bus';
import type { GatewayEvents } from '../gateway/gateway-events';
import type { DeviceLink, MethodResponse } from '../ports/device-link';
import type { DeviceTable } from '../registry/device-table';
import { parseMethodInvocation } from './method-request';

/** Invokes direct methods on devices. */
export interface MethodService {
  /** Invokes a method; `body` is the invocation as sent to `POST /twins/{id}/methods`. */
  invoke(deviceId: string, moduleId: string | undefined, body: unknown): Promise<MethodResponse>;
}

/** What the method service needs. */
export interface MethodServiceDeps {
  table: Pick<DeviceTable, 'get'>;
  link: DeviceLink;
  events: Pick<EventBus<GatewayEvents>, 'on'>;
}

let waiters = 0;

/** Creates the method service. */
export function createMethodService(deps: MethodServiceDeps): MethodService {
  const { table, link } = deps;

  const waitUntilListening = (deviceId: string, moduleId: string | undefined, ms: number) =>
    new Promise<boolean>((resolve) => {
      const owner = `method-wait-${++waiters}`;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const offs: (() => void)[] = [];
      const finish = (ok: boolean) => {
        if (timer) clearTimeout(timer);
        for (const off of offs) off();
        resolve(ok);
      };
      const check = (e: { deviceId: string; moduleId?: string }) => {
        if (e.deviceId === deviceId && e.moduleId === moduleId && link.acceptsMethods(deviceId, moduleId)) {
          finish(true);
        }
      };
      offs.push(deps.events.on('deviceConnected', owner, check));
      offs.push(deps.events.on('deviceSubscriptionsChanged', owner, check));
      timer = setTimeout(() => finish(false), ms);
      // Connected between the first check and the subscriptions above: no event would come.
      if (link.acceptsMethods(deviceId, moduleId)) finish(true);
    });

  return {
    async invoke(deviceId, moduleId, body) {
      const request = parseMethodInvocation(body);
      const rec = table.get(deviceId);
      // A disabled device is "not found" to an invoker, as IoT Hub answers.
      if (rec?.identity.status !== 'enabled') {
        throw new HubError('DEVICE_NOT_FOUND', `Device ${deviceId} is not registered or is disabled.`, {
          deviceId,
        });
      }
      if (moduleId !== undefined) {
        throw new HubError('MODULE_NOT_FOUND', `Module ${moduleId} is not registered on device ${deviceId}.`);
      }
      if (!link.acceptsMethods(deviceId, moduleId)) {
        const waitMs = request.connectTimeoutInSeconds * 1000;
        const listening = waitMs > 0 && (await waitUntilListening(deviceId, moduleId, waitMs));
        if (!listening) {
          throw new HubError(
            'DEVICE_NOT_ONLINE',
            `Device ${deviceId} is not connected or has not subscribed to direct methods.`,
            { deviceId },
          );
        }
      }
      return link.invokeMethod({
        deviceId,
        methodName: request.methodName,
        payload: request.payload,
        timeoutMs: request.responseTimeoutInSeconds * 1000,
      });
    },
  };
}
