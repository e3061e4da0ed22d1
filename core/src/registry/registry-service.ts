import type { Actor } from '../contracts/change';
import {
  type DeviceIdentity,
  type DeviceInput,
  deviceInputSchema,
  NEVER,
  type RegistryStatistics,
} from '../contracts/device';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import { etagMatches } from '../twins/etag';
import { normalizeAuthentication } from './credentials';
import { validateDeviceId } from './device-id';
import { DEVICES, type DeviceRecord } from './device-record';
import type { DeviceTable } from './device-table';
import { describeIdentityChange, publicIdentity } from './identity-change';

/** Device identity operations (create, read, update, delete, list, statistics). */
export interface RegistryService {
  create(input: unknown, actor: Actor, init?: InitialTwin): Promise<DeviceIdentity>;
  update(id: string, input: unknown, ifMatch: string | undefined, actor: Actor): Promise<DeviceIdentity>;
  delete(id: string, ifMatch: string | undefined, actor: Actor): Promise<void>;
  get(id: string): DeviceIdentity;
  list(top?: number): DeviceIdentity[];
  statistics(): RegistryStatistics;
}

/** Tags and desired properties a new device starts with (bulk import). */
export interface InitialTwin {
  tags?: Record<string, unknown>;
  desired?: Record<string, unknown>;
}

/** What the registry needs from the hub. */
export interface RegistryDeps {
  table: DeviceTable;
  feed: ChangeFeed;
  nowIso: () => string;
  newGenerationId: () => string;
  /** Builds the twin state of a new device (kept in the twin module, which owns twin rules). */
  newTwin: (seq: number, init: InitialTwin | undefined, nowIso: string) => DeviceRecord['twin'];
}

/** The identity etag: base64 of the decimal change seq, the shape Azure returns (`MTI3ODQ1NjM0`). */
export function identityEtag(seq: number): string {
  return Buffer.from(String(seq)).toString('base64');
}

function parseInput(input: unknown): DeviceInput {
  const parsed = deviceInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new HubError(
      'INVALID_ARGUMENT',
      `Invalid device identity at ${where}: ${issue?.message ?? 'bad value'}`,
    );
  }
  return parsed.data;
}

/** Creates the registry service. */
export function createRegistryService(deps: RegistryDeps): RegistryService {
  const { table, feed } = deps;

  const mustGet = (id: string): DeviceRecord => {
    const rec = table.get(id);
    if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${id} is not registered.`, { deviceId: id });
    return rec;
  };

  return {
    async create(input, actor, init) {
      const body = parseInput(input);
      const id = validateDeviceId(body.deviceId);
      if (table.has(id)) throw new HubError('DEVICE_ALREADY_EXISTS', `Device ${id} already exists.`);
      const now = deps.nowIso();
      const seq = feed.lastSeq() + 1;
      const identity: DeviceIdentity = {
        deviceId: id,
        generationId: deps.newGenerationId(),
        etag: identityEtag(seq),
        connectionState: 'Disconnected',
        connectionStateUpdatedTime: NEVER,
        status: body.status ?? 'enabled',
        statusReason: body.statusReason ?? null,
        statusUpdatedTime: NEVER,
        lastActivityTime: NEVER,
        cloudToDeviceMessageCount: 0,
        authentication: normalizeAuthentication(body.authentication ?? undefined),
        capabilities: { iotEdge: body.capabilities?.iotEdge ?? false },
        deviceScope: body.deviceScope ?? '',
        parentScopes: body.parentScopes ?? [],
      };
      const rec: DeviceRecord = { identity, twin: deps.newTwin(seq, init, now) };
      table.set(rec);
      await feed.append({
        kind: 'deviceCreated',
        actor,
        id,
        patch: { ...publicIdentity(identity), ...(init ? { twin: init } : {}) },
        writes: [{ collection: DEVICES, id, doc: rec }],
      });
      return structuredClone(identity);
    },

    async update(id, input, ifMatch, actor) {
      const body = parseInput(input);
      if (body.deviceId !== undefined && body.deviceId !== id) {
        throw new HubError(
          'INVALID_ARGUMENT',
          `The body deviceId ${body.deviceId} differs from the path ${id}.`,
        );
      }
      const old = mustGet(id);
      if (!etagMatches(ifMatch, old.identity.etag)) {
        throw new HubError('PRECONDITION_FAILED', `The etag of device ${id} does not match If-Match.`);
      }
      const seq = feed.lastSeq() + 1;
      const prev = old.identity;
      const status = body.status ?? prev.status;
      const identity: DeviceIdentity = {
        ...prev,
        etag: identityEtag(seq),
        status,
        statusReason: body.statusReason !== undefined ? body.statusReason : prev.statusReason,
        statusUpdatedTime: status !== prev.status ? deps.nowIso() : prev.statusUpdatedTime,
        authentication: keepsAuthentication(body)
          ? prev.authentication
          : normalizeAuthentication(body.authentication ?? undefined, prev.authentication),
        capabilities: { iotEdge: body.capabilities?.iotEdge ?? prev.capabilities.iotEdge },
        deviceScope: body.deviceScope ?? prev.deviceScope,
        parentScopes: body.parentScopes ?? prev.parentScopes,
      };
      const rec: DeviceRecord = { identity, twin: old.twin };
      table.set(rec);
      await feed.append({
        kind: 'deviceUpdated',
        actor,
        id,
        patch: describeIdentityChange(prev, identity),
        writes: [{ collection: DEVICES, id, doc: rec }],
      });
      return structuredClone(identity);
    },

    async delete(id, ifMatch, actor) {
      const old = mustGet(id);
      if (!etagMatches(ifMatch, old.identity.etag)) {
        throw new HubError('PRECONDITION_FAILED', `The etag of device ${id} does not match If-Match.`);
      }
      table.delete(id);
      await feed.append({
        kind: 'deviceDeleted',
        actor,
        id,
        patch: { deviceId: id, generationId: old.identity.generationId },
        writes: [{ collection: DEVICES, id, doc: null }],
      });
    },

    get: (id) => structuredClone(mustGet(id).identity),

    list(top) {
      // Azure returns at most 1000 identities per call (service-api.md §2.1).
      const limit = Math.min(top && top > 0 ? top : 1000, 1000);
      return table
        .sortedIds()
        .slice(0, limit)
        .map((id) => structuredClone(table.get(id)!.identity));
    },

    statistics() {
      let enabled = 0;
      for (const rec of table.records()) if (rec.identity.status === 'enabled') enabled++;
      return {
        totalDeviceCount: table.size(),
        enabledDeviceCount: enabled,
        disabledDeviceCount: table.size() - enabled,
      };
    },
  };
}

/**
 * The SDK's update() resends `sas` with empty keys when the caller passed no authentication
 * (service-api.md pitfall 8); that must neither rotate keys nor turn an X.509 device into a SAS one.
 */
function keepsAuthentication(body: DeviceInput): boolean {
  const auth = body.authentication;
  if (!auth) return true;
  const keys = auth.symmetricKey;
  const prints = auth.x509Thumbprint;
  const noKeys = !keys?.primaryKey && !keys?.secondaryKey;
  const noPrints = !prints?.primaryThumbprint && !prints?.secondaryThumbprint;
  return (auth.type === undefined || auth.type === 'sas') && noKeys && noPrints;
}
