import type { DeviceIdentity, TwinDocument } from '../contracts/device';

/** The twin as the hub keeps it: values and their metadata apart, versions per section. */
export interface TwinState {
  version: number;
  etag: string;
  modelId: string;
  tags: Record<string, unknown>;
  desired: Record<string, unknown>;
  desiredMeta: Record<string, unknown>;
  desiredVersion: number;
  reported: Record<string, unknown>;
  reportedMeta: Record<string, unknown>;
  reportedVersion: number;
  /** The configurations targeting this twin (automatic device management); absent when none. */
  configurations?: Record<string, TwinConfigurationState>;
}

/** How one configuration stands on a twin: its status and the desired paths it wrote there. */
export interface TwinConfigurationState {
  status: 'Targeted' | 'Applied';
  /**
   * Desired paths (dot-joined below `properties.desired`) this configuration set on the twin.
   * Kept on the twin because the content must be removed even after the configuration is deleted.
   */
  paths?: string[];
}

/** One device as stored: its identity and its twin, persisted together as one record. */
export interface DeviceRecord {
  identity: DeviceIdentity;
  twin: TwinState;
}

/** Name of the store collection that holds device records. */
export const DEVICES = 'devices';

/** Builds the twin JSON (service-api.md §3.2) from a record. */
export function toTwinDocument(rec: DeviceRecord): TwinDocument {
  const { identity: id, twin } = rec;
  const doc: TwinDocument = {
    deviceId: id.deviceId,
    etag: twin.etag,
    deviceEtag: id.etag,
    status: id.status,
    statusUpdateTime: id.statusUpdatedTime,
    connectionState: id.connectionState,
    lastActivityTime: id.lastActivityTime,
    cloudToDeviceMessageCount: id.cloudToDeviceMessageCount,
    authenticationType: id.authentication.type,
    x509Thumbprint: id.authentication.x509Thumbprint,
    modelId: twin.modelId,
    version: twin.version,
    tags: twin.tags,
    properties: {
      desired: { ...twin.desired, $metadata: twin.desiredMeta, $version: twin.desiredVersion },
      reported: { ...twin.reported, $metadata: twin.reportedMeta, $version: twin.reportedVersion },
    },
    capabilities: id.capabilities,
  };
  // Twins targeted by a configuration carry its status, never its internal paths (service-api.md §3.2).
  if (twin.configurations && Object.keys(twin.configurations).length) {
    const marks = Object.fromEntries(
      Object.entries(twin.configurations).map(([cfg, state]) => [cfg, { status: state.status }]),
    );
    (doc as TwinDocument & { configurations?: typeof marks }).configurations = marks;
  }
  // Only edge devices and children of one carry scopes in their twin (service-api.md §3.2).
  if (id.deviceScope || id.parentScopes.length) {
    doc.deviceScope = id.deviceScope;
    doc.parentScopes = id.parentScopes;
  }
  return doc;
}

/** A deep copy of an identity, safe to hand to callers. */
export function cloneIdentity(identity: DeviceIdentity): DeviceIdentity {
  return structuredClone(identity);
}
