export * from './change';
export * from './device';
