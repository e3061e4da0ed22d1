/** The fleet-operations facade of the hub: provision (imports), operations, monitoring and retirement. */
import type { ChangeFeed } from '../feed/change-feed';
import type { JobService } from '../jobs/job-service';
import type { MethodService } from '../methods/method-service';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { DeviceTable } from '../registry/device-table';
import type { RegistryService } from '../registry/registry-service';
import { ARCHIVED_DEVICES, createDeviceArchive, type DeviceArchive } from './device-archive';
import { createDeviceLifecycle, type DeviceLifecycle } from './device-lifecycle';
import { createDeviceOperations, DEVICE_OPERATIONS, type DeviceOperations } from './device-operations';
import { type FleetSummary, fleetSummary, type RunFleetQuery } from './fleet-summary';
import { createImportService, type ImportService } from './import-service';

/** Fleet operations over the hub's services (`hub.fleet`). */
export interface FleetService {
  readonly imports: ImportService;
  readonly archive: DeviceArchive;
  readonly operations: DeviceOperations;
  readonly lifecycle: DeviceLifecycle;
  /** The fleet summary, devices silent for more than `silentMinutes` listed as silent. */
  summary(silentMinutes: number): FleetSummary;
}

/** What the fleet service is built from: the hub's services and the stored collections. */
export interface FleetDeps {
  table: DeviceTable;
  feed: ChangeFeed;
  registry: RegistryService;
  methods: Pick<MethodService, 'invoke'>;
  jobs: Pick<JobService, 'create' | 'rows' | 'find'>;
  query: RunFleetQuery;
  clock: Clock;
  logger: Logger;
  nowIso: () => string;
  /** The store snapshot's collections (`archived-devices`, `device-operations`). */
  collections: Map<string, Map<string, unknown>>;
}

/** Creates the fleet service. */
export function createFleetService(deps: FleetDeps): FleetService {
  const { table, feed, nowIso } = deps;
  const operations = createDeviceOperations({
    table,
    feed,
    methods: deps.methods,
    jobs: deps.jobs,
    nowIso,
    initial: deps.collections.get(DEVICE_OPERATIONS)?.values(),
  });
  return {
    imports: createImportService({ registry: deps.registry, nowIso, logger: deps.logger }),
    archive: createDeviceArchive({
      table,
      feed,
      nowIso,
      initial: deps.collections.get(ARCHIVED_DEVICES)?.values(),
    }),
    operations,
    lifecycle: createDeviceLifecycle({ registry: deps.registry, table }),
    summary: (silentMinutes) =>
      fleetSummary(deps.query, {
        nowMs: deps.clock.now(),
        silentMinutes,
        failedOperations: operations.failedDeviceIds(),
      }),
  };
}
