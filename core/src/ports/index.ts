export * from './clock';
export * from './logger';
export * from './memory-store';
export * from './store';
