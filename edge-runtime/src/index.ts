export * from './config';
export * from './http/app';
export * from './logging';
export * from './runtime';
export * from './store';
export * from './tls';
