export * from './follow-outbox';
export type { OutboxRecord } from './record-codec';
export { MAX_RECORD_BYTES } from './record-codec';
export * from './telemetry-outbox';
