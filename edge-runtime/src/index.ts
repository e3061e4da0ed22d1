export * from './config';
export * from './http/app';
export { UI_CONTENT_SECURITY_POLICY } from './http/operator-ui';
export * from './logging';
export * from './mqtt';
export * from './outbox';
export * from './runtime';
export * from './store';
export * from './tls';
