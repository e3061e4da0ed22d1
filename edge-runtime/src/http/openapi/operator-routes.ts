import { changeSchema } from '@outpost/core';
import { z } from 'zod';
import { connect, type RouteSpec, read } from './route-spec';

const loginBody = z.union([
  z.object({ username: z.string(), password: z.string() }),
  z.object({ oneTimeToken: z.string().describe('A single-use token the hub issued (desktop app), 60 s') }),
]);
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
const auditPage = z
  .object({
    items: z.array(changeSchema.partial().loose()),
    nextAfterSeq: z.number().nullable(),
    nextBeforeSeq: z.number().nullable().optional().describe('order=newest only'),
    firstRetainedSeq: z.number(),
  })
  .loose();

/** Outpost's own API beside the IoT Hub routes: C2D, operator sessions and accounts, audit, streams. */
export const OPERATOR_ROUTES: readonly RouteSpec[] = [
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
    summary:
      'Audit trail (?deviceId=&actor=&kind=&since=&until=&text=&order=oldest|newest&afterSeq=&beforeSeq=&limit=)',
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
    summary:
      'Server-Sent Events: device telemetry from the outbox (?from=, ?deviceId=, Last-Event-ID; ?access_token= for EventSource)',
    tag: 'observability',
    auth: connect,
    responses: { 200: { description: 'Event stream', contentType: 'text/event-stream' } },
  },
];
