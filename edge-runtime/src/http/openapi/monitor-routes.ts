import { z } from 'zod';
import { fleetRead, fleetWrite, type RouteSpec } from './route-spec';

const alertRuleInput = z.object({
  name: z.string().describe('What operators read in lists'),
  kind: z.enum(['query', 'silent']).optional().describe("'query' (default): devices matching the condition"),
  condition: z
    .string()
    .optional()
    .describe('A WHERE condition on devices, e.g. properties.reported.battery < 20'),
  silentMinutes: z.number().int().optional().describe("'silent' rules: minutes without activity"),
  comparison: z
    .enum(['>', '>=', '<', '<='])
    .optional()
    .describe('Count compared with the threshold; default >'),
  threshold: z.number().int().optional().describe('Device count; default 0'),
  severity: z.enum(['warning', 'critical']).optional(),
});

/** The Monitor screen's routes: connected devices over time and alert rules (Outpost's own API). */
export const MONITOR_ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/fleet/connections/history',
    summary: 'Connected devices over time (?minutes=1..1440, default 60), sampled in memory since start',
    tag: 'fleet',
    auth: fleetRead,
    responses: {
      200: 'generatedAt, connected, resolution (sample|minute), points [{at, connected, min, max}]',
    },
    errors: [400],
  },
  {
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Every alert rule evaluated now: count, first device ids, firing',
    tag: 'fleet',
    auth: fleetRead,
    responses: {
      200: 'evaluatedAt, firing (rules firing), alerts [{rule, count, deviceIds, firing, error?}]',
    },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/rules',
    summary: 'The alert rules',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Alert rules' },
  },
  {
    method: 'get',
    path: '/api/v1/alerts/rules/{id}',
    summary: 'One alert rule',
    tag: 'fleet',
    auth: fleetRead,
    responses: { 200: 'Alert rule' },
    errors: [404],
  },
  {
    method: 'put',
    path: '/api/v1/alerts/rules/{id}',
    summary: 'Create or replace an alert rule',
    tag: 'fleet',
    auth: fleetWrite,
    request: alertRuleInput,
    responses: { 200: 'Replaced', 201: 'Created' },
    errors: [400],
  },
  {
    method: 'delete',
    path: '/api/v1/alerts/rules/{id}',
    summary: 'Delete an alert rule',
    tag: 'fleet',
    auth: fleetWrite,
    responses: { 204: 'Deleted' },
    errors: [404],
  },
];
