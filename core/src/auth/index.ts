export * from './connection-string';
export * from './policies';
export type { SasFailureReason } from './sas-error';
export * from './sas-token';
export * from './verify-sas';
