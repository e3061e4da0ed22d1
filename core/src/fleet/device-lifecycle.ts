/**
 * Retiring and re-crediting devices through the registry, so each step is one audited
 * `deviceUpdated`/`deviceCreated` change: disable (with a reason), enable, rotate SAS keys, revoke
 * every credential (authentication type `none`), replace by a new device, and connection strings.
 */
import { buildDeviceConnectionString } from '../auth/connection-string';
import type { Actor } from '../contracts/change';
import type { DeviceIdentity } from '../contracts/device';
import { HubError } from '../errors';
import { generateSymmetricKey } from '../registry/credentials';
import type { DeviceTable } from '../registry/device-table';
import type { RegistryService } from '../registry/registry-service';

/** Longest disable reason kept. */
export const MAX_STATUS_REASON_LENGTH = 128;

/** The answer of a replacement: the new identity (with keys) and the device it replaced. */
export interface Replacement {
  device: DeviceIdentity;
  replacedDeviceId: string;
}

/** Lifecycle steps on one device. */
export interface DeviceLifecycle {
  disable(id: string, reason: unknown, actor: Actor): Promise<DeviceIdentity>;
  enable(id: string, actor: Actor): Promise<DeviceIdentity>;
  /** New primary and secondary SAS keys (the gateway drops the live connection). */
  rotateKeys(id: string, actor: Actor): Promise<DeviceIdentity>;
  /** Authentication type `none`: no key or certificate works until keys are rotated in again. */
  revoke(id: string, actor: Actor): Promise<DeviceIdentity>;
  /**
   * Creates `newDeviceId` with the old device's tags and desired properties (one commit), then
   * disables the old one with reason `replaced by <new>`; the old one is kept (archive it with DELETE).
   */
  replace(id: string, newDeviceId: unknown, actor: Actor): Promise<Replacement>;
  /** `HostName=…;DeviceId=…;SharedAccessKey=…[;GatewayHostName=…]` with the primary key. */
  connectionString(id: string, hostName: string, gateway?: unknown): string;
}

const GATEWAY = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::\d{1,5})?$/;

/** Creates the lifecycle steps over the registry. */
export function createDeviceLifecycle(deps: {
  registry: RegistryService;
  table: DeviceTable;
}): DeviceLifecycle {
  const { registry } = deps;
  const update = (id: string, body: Record<string, unknown>, actor: Actor) =>
    registry.update(id, { deviceId: id, ...body }, undefined, actor);

  return {
    disable(id, reason, actor) {
      if (reason !== undefined && reason !== null && typeof reason !== 'string') {
        throw new HubError('INVALID_ARGUMENT', 'reason must be a string.');
      }
      if (typeof reason === 'string' && reason.length > MAX_STATUS_REASON_LENGTH) {
        throw new HubError(
          'INVALID_ARGUMENT',
          `reason is longer than ${MAX_STATUS_REASON_LENGTH} characters.`,
        );
      }
      return update(id, { status: 'disabled', statusReason: reason ?? null }, actor);
    },
    enable: (id, actor) => update(id, { status: 'enabled', statusReason: null }, actor),
    rotateKeys(id, actor) {
      const type = registry.get(id).authentication.type;
      if (type !== 'sas' && type !== 'none') {
        throw new HubError(
          'INVALID_ARGUMENT',
          `Device ${id} authenticates with ${type} (X.509): it has no keys to rotate.`,
        );
      }
      const symmetricKey = { primaryKey: generateSymmetricKey(), secondaryKey: generateSymmetricKey() };
      return update(id, { authentication: { type: 'sas', symmetricKey } }, actor);
    },
    revoke: (id, actor) => update(id, { authentication: { type: 'none' } }, actor),
    async replace(id, newDeviceId, actor) {
      if (typeof newDeviceId !== 'string' || newDeviceId === '') {
        throw new HubError('INVALID_ARGUMENT', 'newDeviceId must be a non-empty string.');
      }
      if (newDeviceId === id)
        throw new HubError('INVALID_ARGUMENT', 'newDeviceId must differ from the device it replaces.');
      const old = deps.table.get(id);
      if (!old) throw new HubError('DEVICE_NOT_FOUND', `Device ${id} is not registered.`, { deviceId: id });
      const init = { tags: structuredClone(old.twin.tags), desired: structuredClone(old.twin.desired) };
      const device = await registry.create({ deviceId: newDeviceId }, actor, init);
      await update(
        id,
        { status: 'disabled', statusReason: `replaced by ${newDeviceId}`.slice(0, MAX_STATUS_REASON_LENGTH) },
        actor,
      );
      return { device, replacedDeviceId: id };
    },
    connectionString(id, hostName, gateway) {
      const identity = registry.get(id);
      const key = identity.authentication.symmetricKey.primaryKey;
      if (identity.authentication.type !== 'sas' || !key) {
        throw new HubError(
          'INVALID_ARGUMENT',
          `Device ${id} has no SAS key (authentication ${identity.authentication.type}).`,
        );
      }
      if (gateway !== undefined && (typeof gateway !== 'string' || !GATEWAY.test(gateway))) {
        throw new HubError('INVALID_ARGUMENT', 'gateway must be host or host:port.');
      }
      return buildDeviceConnectionString({
        hostName,
        deviceId: id,
        key,
        ...(typeof gateway === 'string' ? { gatewayHostName: gateway } : {}),
      });
    },
  };
}
