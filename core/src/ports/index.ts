export * from './clock';
export * from './device-link';
export * from './logger';
export * from './memory-store';
export * from './store';
export * from './telemetry-sink';
