/** Alert rules: saved twin conditions with a count threshold, evaluated over the fleet on demand. */
export * from './alert-evaluation';
export * from './alert-rule';
export * from './alert-service';
