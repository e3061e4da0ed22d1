export * from './device-endpoints';
export * from './gateway';
export * from './listeners';
export * from './stats';
export * from './telemetry';
export * from './trusted-cas';
