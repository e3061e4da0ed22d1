/** The shapes of the route table (route-table.ts) that the OpenAPI document is built from. */
import type { z } from 'zod';

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
    | 'observability'
    | 'hub'
    | 'ui';
  auth: RouteAuth;
  /** IoT Hub-compatible routes need `?api-version=`. */
  apiVersion?: boolean;
  request?: z.ZodType | { description: string };
  /** Success status → description (and schema, when one exists). */
  responses: Record<number, string | { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Error statuses beyond the auth ones. */
  errors?: number[];
}

/** SAS rights as route auth: a policy with the right, or an operator token of the matching role. */
export const read = { kind: 'sas', right: 'RegistryRead' } as const;
/** RegistryWrite (or operator). */
export const write = { kind: 'sas', right: 'RegistryWrite' } as const;
/** ServiceConnect (or operator). */
export const connect = { kind: 'sas', right: 'ServiceConnect' } as const;
/** Viewer token, or a SAS policy with RegistryRead. */
export const fleetRead = { kind: 'role', role: 'viewer', sasRight: 'RegistryRead' } as const;
/** Operator token, or a SAS policy with RegistryWrite. */
export const fleetWrite = { kind: 'role', role: 'operator', sasRight: 'RegistryWrite' } as const;
/** Operator token, or a SAS policy with ServiceConnect. */
export const fleetCall = { kind: 'role', role: 'operator', sasRight: 'ServiceConnect' } as const;
