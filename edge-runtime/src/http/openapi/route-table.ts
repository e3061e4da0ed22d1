/**
 * Every route of the HTTPS API, for the OpenAPI document (`GET /api/openapi.json`). A test walks
 * the express router and fails when a registered route is missing here, so the two cannot drift.
 */
import { bulkEntrySchema, changeSchema, deviceInputSchema, twinPatchSchema } from '@outpost/core';
import { z } from 'zod';

/** Who may call a route. */
export type RouteAuth =
  | { kind: 'none' }
  /** A SAS policy with the right, or an operator token (role derived from the right and method). */
  | { kind: 'sas'; right: 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect' }
  /** An operator token of at least the role, or (when given) a SAS policy with the right. */
  | {
      kind: 'role';
      role: 'viewer' | 'operator' | 'admin';
      sasRight?: 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect';
    };

/** One route: method, OpenAPI path template, auth, bodies and status codes. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag:
    | 'health'
    | 'registry'
    | 'fleet'
    | 'twins'
    | 'methods'
    | 'query'
    | 'jobs'
    | 'configurations'
    | 'c2d'
    | 'operators'
    | 'observability';
  auth: RouteAuth;
  /** IoT Hub-compatible routes need `?api-version=`. */
  apiVersion?: boolean;
  request?: z.ZodType | { description: string };
  /** Success status → description (and schema, when one exists). */
  responses: Record<number, string | { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses beyond the auth ones. */
  errors?: number[];
}

const read = { kind: 'sas', right: 'RegistryRead' } as const;
const write = { kind: 'sas', right: 'RegistryWrite' } as const;
const connect = { kind: 'sas', right: 'ServiceConnect' } as const;
const hub = { apiVersion: true } as const;

const queryBody = z.object({ query: z.string().describe('SELECT … FROM devices | devices.jobs …') });
const methodInvocation = z.object({
  methodName: z.string(),
  payload: z.unknown().optional(),
  responseTimeoutInSeconds: z.number().int().optional(),
  connectTimeoutInSeconds: z.number().int().optional(),
});
const methodResult = z.object({ status: z.number().int(), payload: z.unknown() });
const loginBody = z.object({ username: z.string(), password: z.string() });
const sessionBody = z.object({ token: z.string(), expiresAt: z.string() }).loose();
const c2dBody = z.object({
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']).optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  messageId: z.string().optional(),
  correlationId: z.string().optional(),
  contentType: z.string().optional(),
  contentEncoding: z.string().optional(),
  expiryTimeUtc: z.string().optional(),
  ack: z.string().optional(),
});
const fleetRead = { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' } as const;
const fleetWrite = { kind: 'role', role: 'operator', sasRight: 'RegistryWrite' } as const;
const fleetCall = { kind: 'role', role: 'operator', sasRight: 'ServiceConnect' } as const;
const operationBody = {
  description:
    'Optional: {payload?, responseTimeoutInSeconds?} (per device) or {query, payload?} (scheduled)',
};

/** Fleet operations (provision, configure, monitor, retire), Outpost's own API. */
const FLEET_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/api/v1/imports',
    summary: 'Import devices (text/csv or application/json); processed in the background',
    tag: 'fleet',
    auth: fleetWrite,
    request: { description: 'CSV or JSON rows (core/src/fleet/import-rows.ts)' },
    responses: { 202: 'The import job' },
    errors: [400, 413],
  },
  {
    method: 'get',
    path: '/api/v1/imports',
    summary: 'List kept import jobs',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Import jobs' },
  },
  {
    method: 'get',
    path: '/api/v1/imports/{id}',
    summary: 'Import progress and a page of row results (?offset=&limit=&failedOnly=)',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Import job with rows' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/exports',
    summary: 'Export identities and twins (?format=json|csv&includeKeys=); keys need operator',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: { description: 'JSON array or CSV, streamed' } },
    errors: [400],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/disable',
    summary: 'Disable a device ({reason?})',
    tag: 'fleet',
    auth: fleetWrite,
    request: { description: '{reason?}' },
    responses: { 200: 'Device identity' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/enable',
    summary: 'Enable a device',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 200: 'Device identity' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/rotate-keys',
    summary: 'Rotate the SAS keys of a device',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 200: 'Device identity' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/revoke',
    summary: 'Revoke a device (credentials refused from now on)',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 200: 'Device identity' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/devices/{id}/replace',
    summary: 'Replace a device by a new one ({newDeviceId}); the old one is disabled and kept',
    tag: 'fleet',
    auth: fleetWrite,
    request: { description: '{newDeviceId}' },
    responses: { 201: 'The replacement' },
    errors: [400, 404, 409],
  },
  {
    method: 'delete',
    path: '/api/v1/devices/{id}',
    summary: 'Retire a device (?archive=true, default; archive=false is a hard delete and needs admin)',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 200: 'The archive entry (archived)', 204: 'Deleted (archive=false)' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/archive/devices',
    summary: 'Archived (retired) devices',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Archived devices' },
  },
  {
    method: 'get',
    path: '/api/v1/archive/devices/{id}',
    summary: 'One archived device',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Archived device' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/devices/{id}/connection-string',
    summary: 'The device connection string (?gateway=); reveals the key',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 200: 'Connection string' },
    errors: [404],
  },
  ...(['reboot', 'factory-reset'] as const).flatMap((name): RouteSpec[] => [
    {
      method: 'post',
      path: `/api/v1/devices/{id}/${name}`,
      summary: `Call ${name} on one device and record the operation`,
      tag: 'fleet',
      auth: fleetCall,
      request: operationBody,
      responses: { 200: 'The recorded operation' },
      errors: [404, 504],
    },
    {
      method: 'post',
      path: `/api/v1/operations/${name}`,
      summary: `Schedule ${name} over the devices of a query (a scheduleDeviceMethod job)`,
      tag: 'fleet',
      auth: fleetCall,
      request: operationBody,
      responses: { 202: '{jobId}; Location: /jobs/v2/{jobId}' },
      errors: [400],
    },
  ]),
  {
    method: 'get',
    path: '/api/v1/devices/{id}/operations',
    summary: 'Last operation joined with reported rebootStatus/factoryResetStatus',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Operations view' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/fleet/summary',
    summary: 'Fleet summary (?silentMinutes=)',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Summary' },
  },
];

const auditPage = z
  .object({ entries: z.array(changeSchema.partial().loose()), nextAfterSeq: z.number().optional() })
  .loose();

/** The route table. */
export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness: hub id, device count, last change seq',
    tag: 'health',
    auth: { kind: 'none' },
    responses: { 200: 'Healthy' },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition 0.0.4)',
    tag: 'observability',
    auth: { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' },
    responses: { 200: { description: 'Metrics', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'observability',
    auth: { kind: 'none' },
    responses: { 200: 'OpenAPI 3.1 document' },
  },
  // Registry (service-api.md §2.1)
  {
    method: 'get',
    path: '/statistics/devices',
    summary: 'Registry counts',
    tag: 'registry',
    auth: read,
    ...hub,
    responses: { 200: 'RegistryStatistics' },
  },
  {
    method: 'get',
    path: '/devices',
    summary: 'List device identities (?top=)',
    tag: 'registry',
    auth: read,
    ...hub,
    responses: { 200: 'Device identities' },
  },
  {
    method: 'post',
    path: '/devices',
    summary: 'Bulk create/update/delete (at most 100)',
    tag: 'registry',
    auth: write,
    ...hub,
    request: z.array(bulkEntrySchema),
    responses: { 200: 'BulkRegistryOperationResult, all succeeded' },
    errors: [400],
  },
  {
    method: 'get',
    path: '/devices/{id}',
    summary: 'Get a device identity',
    tag: 'registry',
    auth: read,
    ...hub,
    responses: { 200: 'Device identity' },
    errors: [404],
  },
  {
    method: 'put',
    path: '/devices/{id}',
    summary: 'Create (no If-Match) or update (If-Match) a device identity',
    tag: 'registry',
    auth: write,
    ...hub,
    request: deviceInputSchema,
    responses: { 200: 'Device identity' },
    errors: [400, 404, 409, 412],
  },
  {
    method: 'delete',
    path: '/devices/{id}',
    summary: 'Delete a device identity',
    tag: 'registry',
    auth: write,
    ...hub,
    responses: { 204: 'Deleted' },
    errors: [404, 412],
  },
  {
    method: 'post',
    path: '/devices/query',
    summary: 'Run an IoT Hub query (x-ms-max-item-count, x-ms-continuation paging)',
    tag: 'query',
    auth: connect,
    ...hub,
    request: queryBody,
    responses: { 200: 'Rows' },
    errors: [400],
  },
  // Twins and methods (§2.2, device-protocol.md §2.7)
  {
    method: 'get',
    path: '/twins/{id}',
    summary: 'Get a device twin',
    tag: 'twins',
    auth: connect,
    ...hub,
    responses: { 200: 'Twin' },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/twins/{id}',
    summary: 'Merge-patch tags and desired properties',
    tag: 'twins',
    auth: connect,
    ...hub,
    request: twinPatchSchema,
    responses: { 200: 'Twin' },
    errors: [400, 404, 412],
  },
  {
    method: 'put',
    path: '/twins/{id}',
    summary: 'Replace tags and desired properties',
    tag: 'twins',
    auth: connect,
    ...hub,
    request: twinPatchSchema,
    responses: { 200: 'Twin' },
    errors: [400, 404, 412],
  },
  {
    method: 'post',
    path: '/twins/{id}/methods',
    summary: 'Invoke a direct method',
    tag: 'methods',
    auth: connect,
    ...hub,
    request: methodInvocation,
    responses: { 200: { description: 'The device answer', schema: methodResult } },
    errors: [400, 404, 504],
  },
  {
    method: 'post',
    path: '/twins/{id}/modules/{moduleId}/methods',
    summary: 'Invoke a direct method on a module',
    tag: 'methods',
    auth: connect,
    ...hub,
    request: methodInvocation,
    responses: { 200: { description: 'The module answer', schema: methodResult } },
    errors: [400, 404, 504],
  },
  // Jobs (§2.5)
  {
    method: 'get',
    path: '/jobs/v2/query',
    summary: 'List jobs (?jobType=&jobStatus=, paged)',
    tag: 'jobs',
    auth: write,
    ...hub,
    responses: { 200: 'JobResponse[]' },
  },
  {
    method: 'put',
    path: '/jobs/v2/{id}',
    summary: 'Create a scheduleUpdateTwin or scheduleDeviceMethod job',
    tag: 'jobs',
    auth: write,
    ...hub,
    request: {
      description:
        'JobRequest (service-api.md §3.4): jobId, type, queryCondition, updateTwin | cloudToDeviceMethod, startTime, maxExecutionTimeInSeconds',
    },
    responses: { 200: 'JobResponse' },
    errors: [400, 409],
  },
  {
    method: 'get',
    path: '/jobs/v2/{id}',
    summary: 'Get a job',
    tag: 'jobs',
    auth: write,
    ...hub,
    responses: { 200: 'JobResponse' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/jobs/v2/{id}/cancel',
    summary: 'Cancel a job',
    tag: 'jobs',
    auth: write,
    ...hub,
    responses: { 200: 'JobResponse' },
    errors: [404],
  },
  // Configurations (§2.7)
  {
    method: 'get',
    path: '/configurations',
    summary: 'List configurations (?top=)',
    tag: 'configurations',
    auth: read,
    ...hub,
    responses: { 200: 'Configuration[]' },
  },
  {
    method: 'get',
    path: '/configurations/{id}',
    summary: 'Get a configuration',
    tag: 'configurations',
    auth: read,
    ...hub,
    responses: { 200: 'Configuration' },
    errors: [404],
  },
  {
    method: 'put',
    path: '/configurations/{id}',
    summary: 'Create (no If-Match) or update (If-Match) a configuration',
    tag: 'configurations',
    auth: write,
    ...hub,
    request: {
      description: 'Configuration: labels, content.deviceContent, targetCondition, priority, metrics.queries',
    },
    responses: { 200: 'Configuration' },
    errors: [400, 409, 412],
  },
  {
    method: 'delete',
    path: '/configurations/{id}',
    summary: 'Delete a configuration',
    tag: 'configurations',
    auth: write,
    ...hub,
    responses: { 204: 'Deleted' },
    errors: [404, 412],
  },
  // Outpost's own API
  {
    method: 'post',
    path: '/api/v1/devices/{id}/messages',
    summary: 'Queue a cloud-to-device message',
    tag: 'c2d',
    auth: connect,
    request: c2dBody,
    responses: { 202: 'Queued (not yet delivered)' },
    errors: [400, 404, 413],
  },
  {
    method: 'get',
    path: '/api/v1/devices/{id}/messages',
    summary: 'List queued C2D messages',
    tag: 'c2d',
    auth: read,
    responses: { 200: 'Messages' },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/api/v1/devices/{id}/messages',
    summary: 'Purge the C2D queue',
    tag: 'c2d',
    auth: connect,
    responses: { 200: 'PurgeMessageQueueResult' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/login',
    summary: 'Operator login: a bearer token',
    tag: 'operators',
    auth: { kind: 'none' },
    request: loginBody,
    responses: { 200: { description: 'Session', schema: sessionBody } },
    errors: [400, 429],
  },
  {
    method: 'post',
    path: '/api/v1/logout',
    summary: 'End this session',
    tag: 'operators',
    auth: { kind: 'role', role: 'viewer' },
    responses: { 204: 'Logged out' },
  },
  {
    method: 'get',
    path: '/api/v1/session',
    summary: 'Who am I',
    tag: 'operators',
    auth: { kind: 'role', role: 'viewer' },
    responses: { 200: 'User and expiry' },
  },
  {
    method: 'get',
    path: '/api/v1/users',
    summary: 'List operator accounts',
    tag: 'operators',
    auth: { kind: 'role', role: 'admin' },
    responses: { 200: 'Users' },
  },
  {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create an operator account',
    tag: 'operators',
    auth: { kind: 'role', role: 'admin' },
    request: z.object({
      name: z.string(),
      role: z.enum(['admin', 'operator', 'viewer']),
      password: z.string(),
    }),
    responses: { 201: 'User' },
    errors: [400, 409],
  },
  {
    method: 'get',
    path: '/api/v1/users/{name}',
    summary: 'Get an account (admins: any; others: their own)',
    tag: 'operators',
    auth: { kind: 'role', role: 'viewer' },
    responses: { 200: 'User' },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/api/v1/users/{name}',
    summary: 'Change the role of an account',
    tag: 'operators',
    auth: { kind: 'role', role: 'admin' },
    request: z.object({ role: z.enum(['admin', 'operator', 'viewer']) }),
    responses: { 200: 'User' },
    errors: [400, 404],
  },
  {
    method: 'put',
    path: '/api/v1/users/{name}/password',
    summary: 'Set a password (own: with currentPassword, returns a fresh session)',
    tag: 'operators',
    auth: { kind: 'role', role: 'viewer' },
    request: z.object({ password: z.string(), currentPassword: z.string().optional() }),
    responses: { 200: 'A new session (own password)', 204: 'Set (someone else’s password)' },
    errors: [400, 404],
  },
  {
    method: 'delete',
    path: '/api/v1/users/{name}',
    summary: 'Delete an account',
    tag: 'operators',
    auth: { kind: 'role', role: 'admin' },
    responses: { 204: 'Deleted' },
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'Audit trail (?deviceId=&actor=&kind=&since=&until=&afterSeq=&limit=)',
    tag: 'observability',
    auth: { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' },
    responses: { 200: { description: 'A page of audit entries', schema: auditPage } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/api/v1/events',
    summary:
      'Server-Sent Events: change feed and connection events (?afterSeq=, Last-Event-ID, ?access_token=)',
    tag: 'observability',
    auth: { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' },
    responses: { 200: { description: 'Event stream', contentType: 'text/event-stream' } },
  },
  {
    method: 'get',
    path: '/api/v1/telemetry/stream',
    summary: 'Server-Sent Events: device telemetry from the outbox (?from=, Last-Event-ID)',
    tag: 'observability',
    auth: connect,
    responses: { 200: { description: 'Event stream', contentType: 'text/event-stream' } },
  },
  ...FLEET_ROUTES,
];
