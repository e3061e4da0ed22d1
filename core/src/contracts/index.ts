export * from './audit-text';
export * from './change';
export * from './device';
export * from './operator-api';
