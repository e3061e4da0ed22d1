/** Automatic device configurations (service-api.md §2.7, §3.5). */
export * from './configuration-entry';
export * from './configuration-evaluator';
export * from './configuration-id';
export * from './configuration-input';
export * from './configuration-queries';
export * from './configuration-record';
export * from './configuration-service';
export * from './configuration-test-queries';
export * from './desired-content';
export * from './twin-plan';
