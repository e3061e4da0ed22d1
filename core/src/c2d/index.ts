export * from './c2d-events';
export * from './c2d-input';
export * from './c2d-message';
export * from './c2d-service';
export * from './c2d-timers';
