export * from './config';
export * from './http/app';
export * from './logging';
export * from './mqtt';
export * from './outbox';
export * from './runtime';
export * from './store';
export * from './tls';
