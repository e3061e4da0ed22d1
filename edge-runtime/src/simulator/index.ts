// The device simulator behind `outpost simulate`: one device, or a provisioned fleet.
export * from './device-config';
export * from './device-connection';
export * from './device-credentials';
export * from './device-topics';
export * from './fleet';
export * from './hub-rest-client';
export * from './hub-target';
export * from './provisioning';
export * from './simulated-device';
export * from './simulated-device-types';
export * from './twin-client';
