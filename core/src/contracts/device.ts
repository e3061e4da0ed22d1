import { z } from 'zod';

/** `0001-01-01T00:00:00Z`: IoT Hub's "never" for timestamps. */
export const NEVER = '0001-01-01T00:00:00Z';

/** `authentication` of a device identity (service-api.md §3.1). */
export const authenticationSchema = z.object({
  type: z.enum(['sas', 'selfSigned', 'certificateAuthority', 'none']),
  symmetricKey: z.object({ primaryKey: z.string().nullable(), secondaryKey: z.string().nullable() }),
  x509Thumbprint: z.object({
    primaryThumbprint: z.string().nullable(),
    secondaryThumbprint: z.string().nullable(),
  }),
});
/** How a device proves its identity. */
export type Authentication = z.infer<typeof authenticationSchema>;

/** The device identity as IoT Hub returns it from `GET /devices/{id}` (service-api.md §3.1). */
export interface DeviceIdentity {
  deviceId: string;
  generationId: string;
  etag: string;
  connectionState: 'Connected' | 'Disconnected';
  connectionStateUpdatedTime: string;
  status: 'enabled' | 'disabled';
  statusReason: string | null;
  statusUpdatedTime: string;
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authentication: Authentication;
  capabilities: { iotEdge: boolean };
  deviceScope: string;
  parentScopes: string[];
}

/**
 * What a caller may send to create or update an identity. Unknown fields are ignored, as
 * the SDK resends read-only ones; the registry normalises and validates the rest.
 */
export const deviceInputSchema = z
  .object({
    deviceId: z.string().optional(),
    etag: z.string().nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
    statusReason: z.string().max(128).nullable().optional(),
    authentication: z
      .object({
        type: z.enum(['sas', 'selfSigned', 'certificateAuthority', 'none']).optional(),
        symmetricKey: z
          .object({
            primaryKey: z.string().nullable().optional(),
            secondaryKey: z.string().nullable().optional(),
          })
          .nullable()
          .optional(),
        x509Thumbprint: z
          .object({
            primaryThumbprint: z.string().nullable().optional(),
            secondaryThumbprint: z.string().nullable().optional(),
          })
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
    capabilities: z.object({ iotEdge: z.boolean().optional() }).nullable().optional(),
    deviceScope: z.string().nullable().optional(),
    parentScopes: z.array(z.string()).nullable().optional(),
  })
  .loose();
/** A device identity as sent by a caller. */
export type DeviceInput = z.infer<typeof deviceInputSchema>;

/** The twin document (service-api.md §3.2); sections carry `$version` and `$metadata`. */
export interface TwinDocument {
  deviceId: string;
  moduleId?: string;
  etag: string;
  deviceEtag: string;
  status: 'enabled' | 'disabled';
  statusUpdateTime: string;
  connectionState: 'Connected' | 'Disconnected';
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
  authenticationType: Authentication['type'];
  x509Thumbprint: Authentication['x509Thumbprint'];
  modelId: string;
  version: number;
  tags: Record<string, unknown>;
  properties: { desired: Record<string, unknown>; reported: Record<string, unknown> };
  capabilities: { iotEdge: boolean };
  deviceScope?: string;
  parentScopes?: string[];
}

/** A twin patch from the service side: tags and desired properties only. */
export const twinPatchSchema = z
  .object({
    deviceId: z.string().optional(),
    tags: z.record(z.string(), z.unknown()).nullable().optional(),
    properties: z
      .object({
        desired: z.record(z.string(), z.unknown()).nullable().optional(),
        reported: z.unknown().optional(),
      })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();
/** A twin patch from the service side. */
export type TwinPatch = z.infer<typeof twinPatchSchema>;

/** Registry counts (`GET /statistics/devices`). */
export interface RegistryStatistics {
  totalDeviceCount: number;
  enabledDeviceCount: number;
  disabledDeviceCount: number;
}

/** One entry of a bulk registry request (`POST /devices`), service-api.md §2.1. */
export const bulkEntrySchema = z
  .object({
    id: z.string(),
    importMode: z.string(),
    eTag: z.string().nullable().optional(),
    etag: z.string().nullable().optional(),
    twinETag: z.string().nullable().optional(),
    tags: z.record(z.string(), z.unknown()).nullable().optional(),
    properties: z
      .object({ desired: z.record(z.string(), z.unknown()).nullable().optional() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();
/** One entry of a bulk registry request. */
export type BulkEntry = z.infer<typeof bulkEntrySchema>;

/** The answer to a bulk registry request. */
export interface BulkResult {
  isSuccessful: boolean;
  errors: { deviceId: string; errorCode: string; errorStatus: string; operation?: string }[];
  warnings: { deviceId: string; warningCode: string; warningDetails: string }[];
}
