import { HubError } from '../errors';
import type { DeviceLink } from '../ports/device-link';

/** The device link of a hub without a gateway (tests, tools): no device is ever connected. */
export const noGatewayLink: DeviceLink = {
  isConnected: () => false,
  acceptsMethods: () => false,
  invokeMethod: async (request) => {
    throw new HubError('DEVICE_NOT_ONLINE', `Device ${request.deviceId} is not connected.`);
  },
  acceptsC2d: () => false,
  deliverC2d: async (message) => {
    throw new HubError('DEVICE_NOT_ONLINE', `Device ${message.deviceId} is not connected.`);
  },
};
