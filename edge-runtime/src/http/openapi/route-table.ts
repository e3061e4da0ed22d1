/**
 * Every route of the HTTPS API, for the OpenAPI document (`GET /api/openapi.json`). A test walks
 * the express router and fails when a registered route is missing here, so the two cannot drift.
 */
import { bulkEntrySchema, deviceInputSchema, twinPatchSchema } from '@outpost/core';
import { z } from 'zod';
import { APP_ROUTES } from './app-routes';
import { CONFIGURATION_ROUTES } from './configuration-routes';
import { FLEET_ROUTES } from './fleet-routes';
import { MONITOR_ROUTES } from './monitor-routes';
import { OPERATOR_ROUTES } from './operator-routes';
import { connect, type RouteSpec, read, write } from './route-spec';

export type { RouteAuth, RouteSpec } from './route-spec';

const hub = { apiVersion: true } as const;

const queryBody = z.object({ query: z.string().describe('SELECT … FROM devices | devices.jobs …') });
const methodInvocation = z.object({
  methodName: z.string(),
  payload: z.unknown().optional(),
  responseTimeoutInSeconds: z.number().int().optional(),
  connectTimeoutInSeconds: z.number().int().optional(),
});
const methodResult = z.object({ status: z.number().int(), payload: z.unknown() });
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
  ...OPERATOR_ROUTES,
  ...FLEET_ROUTES,
  ...MONITOR_ROUTES,
  ...APP_ROUTES,
  ...CONFIGURATION_ROUTES,
];
