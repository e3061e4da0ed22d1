export * from './device-task';
export * from './job-list';
export * from './job-model';
export * from './job-request';
export * from './job-service';
export * from './job-timers';
export * from './job-writer';
export * from './slot-pool';
