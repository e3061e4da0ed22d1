import { randomBytes, randomInt } from 'node:crypto';
import { ALERT_RULES } from '../alerts/alert-rule';
import { type AlertService, createAlertService } from '../alerts/alert-service';
import { createDefaultPolicies, type SharedAccessPolicy } from '../auth';
import { C2D } from '../c2d/c2d-message';
import { type C2dService, createC2dService } from '../c2d/c2d-service';
import type { EvaluationOptions } from '../configurations/configuration-evaluator';
import { CONFIGURATIONS } from '../configurations/configuration-record';
import {
  type ConfigurationService,
  createConfigurationService,
} from '../configurations/configuration-service';
import type { Actor, Change, ChangeKind } from '../contracts/change';
import { createEventBus, type EventBus } from '../events/event-bus';
import { type ChangeFeed, createChangeFeed } from '../feed/change-feed';
import { createHlc } from '../feed/hlc';
import { type ConnectionSampler, createConnectionSampler } from '../fleet/connection-history';
import { createFleetService, type FleetService } from '../fleet/fleet-service';
import { type ConnectionStateService, createConnectionState } from '../gateway/connection-state';
import type { GatewayEvents } from '../gateway/gateway-events';
import { noGatewayLink } from '../gateway/no-gateway-link';
import {
  createSubscriptionIntents,
  DEVICE_SUBSCRIPTIONS,
  type SubscriptionIntents,
} from '../gateway/subscription-intents';
import { JOB_DEVICES, JOBS } from '../jobs/job-model';
import { createJobService, type JobService, type JobServiceOptions } from '../jobs/job-service';
import { createMethodService, type MethodService } from '../methods/method-service';
import { type Clock, systemClock } from '../ports/clock';
import type { DeviceLink } from '../ports/device-link';
import { type Logger, silentLogger } from '../ports/logger';
import type { StorePort } from '../ports/store';
import { parseQuery, type QueryPage, runQuery } from '../query';
import { applyBulk, type BulkFailure, parseBulkRequest } from '../registry/bulk';
import { generateSymmetricKey } from '../registry/credentials';
import { DEVICES, type DeviceRecord } from '../registry/device-record';
import { createDeviceTable, type DeviceTable } from '../registry/device-table';
import { createRegistryService, type RegistryService } from '../registry/registry-service';
import { createTwinService, newTwinState, type TwinService } from '../twins/twin-service';
import type { LoginService } from '../users/login-service';
import { createOperatorAccounts } from '../users/operator-accounts';
import { generatePassword } from '../users/passwords';
import type { SessionStore } from '../users/session-store';
import type { UserService } from '../users/user-service';
import { createPolicyStore, type PolicyStore } from './policy-store';

/**
 * Typed hub events: one per change kind, carrying the committed change, plus the gateway's
 * connection events (deviceConnected, …), which are not change-feed kinds.
 */
export type HubEvents = { [K in ChangeKind]: Change } & GatewayEvents;

/** What a hub is built from. */
export interface HubOptions {
  store: StorePort;
  clock?: Clock;
  logger?: Logger;
  /** Used on first start only: the iothubowner primary key (base64); generated when absent. */
  ownerKey?: string;
  /** Used on first start only: a fixed hub id (otherwise generated and kept). */
  hubId?: string;
  /** Used on first start only: the password of the first operator, `admin`. */
  adminPassword?: string;
  /** The link to connected devices (the MQTT gateway); without one no device is ever online. */
  deviceLink?: DeviceLink;
  /** Pacing of configuration evaluation (debounce, period, timers); defaults suit production. */
  configurations?: EvaluationOptions;
  /** Lifetime of operator bearer tokens; default 12 h. */
  sessionTtlMs?: number;
  /** Scheduled jobs: concurrency, timers, write batching, resume delay; defaults suit production. */
  jobs?: JobServiceOptions;
}

/** The hub library: every domain service over one store. */
export interface Hub {
  readonly hubId: string;
  /** True when this start created the hub (its policies and first operator). */
  readonly isNew: boolean;
  readonly registry: RegistryService;
  readonly twins: TwinService;
  readonly feed: ChangeFeed;
  readonly events: EventBus<HubEvents>;
  readonly policies: PolicyStore;
  /** Operator accounts (admin/operator/viewer); mutations go through the change feed. */
  readonly users: UserService;
  /** Operator bearer tokens (`POST /api/v1/login`). */
  readonly sessions: SessionStore;
  /** Rate-limited password (or one-time token) checks that issue operator tokens. */
  readonly logins: LoginService;
  readonly clock: Clock;
  /** Runs an IoT Hub query (query-language.md) with paging. */
  query(text: string, options?: { pageSize?: number; continuation?: string }): QueryPage;
  /** Applies a bulk registry request (`POST /devices`); returns per-device failures. */
  bulk(body: unknown, actor: Actor): Promise<BulkFailure[]>;
  /** The device table (read-only use by adapters: connection state, statistics). */
  readonly devices: DeviceTable;
  /** Direct-method invocation over the device link. */
  readonly methods: MethodService;
  /** Cloud-to-device queues, delivered through the device link. */
  readonly c2d: C2dService;
  /** The link to connected devices (an always-offline one when the hub has no gateway). */
  readonly deviceLink: DeviceLink;
  /** Connection state of devices, reported by the gateway (in memory; emits deviceConnected/…). */
  readonly connections: ConnectionStateService;
  /** What each device subscribed to, kept across connections and restarts (the gateway's). */
  readonly subscriptionIntents: SubscriptionIntents;
  /** Automatic device configurations (`/configurations`), applied to twins as they change. */
  readonly configurations: ConfigurationService;
  /** Scheduled jobs (`/jobs/v2/*`): twin updates and direct methods over the devices of a condition. */
  readonly jobs: JobService;
  /** Fleet operations (`/api/v1/imports`, device operations, summary, archive, lifecycle). */
  readonly fleet: FleetService;
  /** Alert rules (`/api/v1/alerts`): saved twin conditions with a count threshold. */
  readonly alerts: AlertService;
  /** The connected-device count over time, sampled in memory (`/api/v1/fleet/connections/history`). */
  readonly connectionHistory: ConnectionSampler;
  /** Stops accepting work and closes the store. */
  close(): Promise<void>;
}

const HUB_META = 'hub';

/** Loads the store and builds the hub. */
export async function createHub(options: HubOptions): Promise<Hub> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { store } = options;
  const snapshot = await store.load();
  const nowIso = () => new Date(clock.now()).toISOString();

  const meta = snapshot.collections.get(HUB_META)?.get('identity') as { hubId: string } | undefined;
  const hubId = meta?.hubId ?? options.hubId ?? `hub-${randomBytes(6).toString('hex')}`;
  if (!meta)
    await store.commit({
      writes: [{ collection: HUB_META, id: 'identity', doc: { hubId, createdAt: nowIso() } }],
    });

  const table = createDeviceTable();
  for (const doc of snapshot.collections.get(DEVICES)?.values() ?? []) table.set(doc as DeviceRecord);

  const lastChange = (await store.readChanges(Math.max(0, snapshot.lastSeq - 1), 1))[0];
  const hlc = createHlc(clock, hubId, lastChange?.hlc);
  const feed = createChangeFeed({ store, hlc, hubId, lastSeq: snapshot.lastSeq, logger, nowIso });
  const events = createEventBus<HubEvents>(logger);
  feed.onCommitted((change) => events.emit(change.kind, change));

  const stored = snapshot.collections.get('policies') as Map<string, SharedAccessPolicy> | undefined;
  const policies = await createPolicyStore({
    store,
    feed,
    initial: stored?.size
      ? [...stored.values()]
      : createDefaultPolicies(generateSymmetricKey, options.ownerKey),
    isNew: !stored?.size,
  });

  const operators = await createOperatorAccounts({
    store,
    snapshot,
    feed,
    clock,
    logger,
    nowIso,
    ...(options.adminPassword !== undefined || !meta
      ? { firstAdminPassword: options.adminPassword ?? generatePassword() }
      : {}),
    ...(options.sessionTtlMs !== undefined ? { sessionTtlMs: options.sessionTtlMs } : {}),
  });

  const twins = createTwinService({ table, feed, nowIso });
  const registry = createRegistryService({
    table,
    feed,
    nowIso,
    newGenerationId: () => `${clock.now()}${String(randomInt(0, 100_000)).padStart(5, '0')}`,
    newTwin: newTwinState,
  });
  const emitGatewayEvent = <K extends keyof GatewayEvents>(name: K, payload: GatewayEvents[K]) =>
    events.emit(name, payload as HubEvents[K]);
  const connections = createConnectionState({ table, clock, emit: emitGatewayEvent });
  const subscriptionIntents = createSubscriptionIntents({
    store,
    initial: snapshot.collections.get(DEVICE_SUBSCRIPTIONS)?.values() ?? [],
    emit: emitGatewayEvent,
  });
  // A deleted device's subscriptions must not carry over to a new device created with its id.
  events.on('deviceDeleted', 'subscription-intents', (change) => {
    subscriptionIntents.forget(change.id).catch((err: unknown) => {
      logger.error('forgetting subscriptions failed', { deviceId: change.id, error: String(err) });
    });
  });
  const deviceLink = options.deviceLink ?? noGatewayLink;
  const methods = createMethodService({ table, link: deviceLink, events });
  const c2d = await createC2dService({
    store,
    table,
    initial: snapshot.collections.get(C2D),
    link: deviceLink,
    events,
    clock,
    logger,
  });
  const source = {
    *devices() {
      for (const id of table.sortedIds()) yield table.twin(id) as unknown as Record<string, unknown>;
    },
    modules: () => [],
    jobs: () => jobs.rows() as Iterable<unknown> as Iterable<Record<string, unknown>>,
  };
  const configurations = createConfigurationService({
    table,
    feed,
    twins,
    source,
    logger,
    nowIso,
    initial: snapshot.collections.get(CONFIGURATIONS)?.values(),
    on: (kind, listener) => events.on(kind, 'configurations', listener),
    ...(options.configurations ? { options: options.configurations } : {}),
  });
  const jobs = createJobService(
    {
      feed,
      clock,
      logger,
      twins,
      invokeMethod: (deviceId, method) => methods.invoke(deviceId, undefined, method),
      twinDocs: () => source.devices(),
      stored: { jobs: snapshot.collections.get(JOBS), rows: snapshot.collections.get(JOB_DEVICES) },
    },
    options.jobs,
  );
  // Deleting a device also deletes its device-job rows (service-api.md §2.1).
  events.on('deviceDeleted', 'jobs', (change) => jobs.deviceDeleted(change.id));
  const query = (text: string, opts?: { pageSize?: number; continuation?: string }) =>
    runQuery(parseQuery(text), source, opts);
  const fleet = createFleetService({
    table,
    feed,
    registry,
    methods,
    jobs,
    query,
    clock,
    logger,
    nowIso,
    collections: snapshot.collections,
  });

  const alerts = createAlertService({
    feed,
    clock,
    initial: snapshot.collections.get(ALERT_RULES)?.values(),
    twins: () => source.devices(),
  });
  const connectionHistory = createConnectionSampler({ clock });
  events.on('deviceConnected', 'connection-history', (e) => {
    if (e.moduleId === undefined) connectionHistory.connected(e.deviceId);
  });
  events.on('deviceDisconnected', 'connection-history', (e) => {
    if (e.moduleId === undefined) connectionHistory.disconnected(e.deviceId);
  });

  return {
    hubId,
    isNew: !meta,
    registry,
    twins,
    feed,
    events,
    policies,
    users: operators.users,
    sessions: operators.sessions,
    logins: operators.logins,
    clock,
    devices: table,
    methods,
    c2d,
    deviceLink,
    connections,
    subscriptionIntents,
    configurations,
    jobs,
    fleet,
    alerts,
    connectionHistory,
    query,
    bulk: async (body, actor) => applyBulk(parseBulkRequest(body), { registry, twins }, actor),
    close: async () => {
      connectionHistory.close();
      c2d.close();
      await configurations.close();
      // Before the store closes: finished rows still batched are written.
      await jobs.close();
      return store.close();
    },
  };
}
