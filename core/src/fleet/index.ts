/** Fleet operations (provision, configure, monitor, retire) built on the registry, twins, methods and jobs. */
export * from './csv';
export * from './device-archive';
export * from './device-lifecycle';
export * from './device-operations';
export * from './fleet-service';
export * from './fleet-summary';
export * from './import-rows';
export * from './import-service';
export * from './twin-paths';
