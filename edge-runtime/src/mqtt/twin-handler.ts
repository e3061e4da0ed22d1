/**
 * The device twin over MQTT (device-protocol.md §2.4–§2.6): GET, reported PATCH and desired
 * notifications, each answered on the one connection concerned. A GET or PATCH always gets a
 * JSON answer: the SDK crashes on an empty or non-JSON GET reply and hangs on none (pitfall 3).
 */
import {
  type Change,
  type DesiredChange,
  desiredNotification,
  desiredPatchTopic,
  type Hub,
  HubError,
  type Logger,
  twinResponseTopic,
} from '@outpost/core';
import type { Client } from 'aedes';
import { sendToClient } from './broker';
import type { Session } from './sessions';
import type { GatewayStats } from './stats';
import { twinErrorReply } from './twin-errors';

/**
 * Largest reported PATCH body read at all. The reported section holds 32 KB as IoT Hub counts it
 * (§4); the JSON text of a valid patch is a few times that at most (escapes, quotes), so anything
 * beyond 128 KB is refused before JSON.parse spends time on it.
 */
export const MAX_REPORTED_PATCH_BYTES = 128 * 1024;

/** Twin request handling for the gateway. */
export interface TwinHandler {
  /** Answers `$iothub/twin/GET/?$rid=…`. */
  get(client: Client, session: Session, rid: string | undefined): Promise<void>;
  /** Applies `$iothub/twin/PATCH/properties/reported/?$rid=…` and answers 204 once durable. */
  patchReported(client: Client, session: Session, rid: string | undefined, body: Buffer): Promise<void>;
  /** Pushes a committed desired change to the device's ready connections that want it. */
  desiredChanged(change: Change, clients: Client[]): void;
  /** Sends one catch-up patch when the identity wants desired patches and missed some. */
  catchUp(client: Client, session: Session): void;
}

/** Creates the twin handler. */
export function createTwinHandler(deps: { hub: Hub; stats: GatewayStats; logger: Logger }): TwinHandler {
  const { hub, stats, logger } = deps;
  const intents = hub.subscriptionIntents;

  const replyError = async (client: Client, rid: string, err: unknown) => {
    stats.twinErrors++;
    if (!(err instanceof HubError)) logger.error('twin request failed', { error: String(err) });
    const reply = twinErrorReply(err);
    await sendToClient(client, twinResponseTopic(reply.status, rid), reply.body);
  };

  const twinOf = (session: Session) => {
    // [LOCAL] modules have no twin yet (no module registry).
    if (session.moduleId !== undefined) {
      throw new HubError('MODULE_NOT_FOUND', `Module ${session.moduleId} has no twin on this hub.`);
    }
    const rec = hub.devices.get(session.deviceId);
    if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${session.deviceId} is not registered.`);
    return rec.twin;
  };

  const remember = (session: Session, version: number, desired: Record<string, unknown>) => {
    intents
      .recordDelivered(session.deviceId, session.moduleId, { version, desired })
      .catch((err: unknown) => {
        logger.warn('recording the delivered desired version failed', {
          device: session.key,
          error: String(err),
        });
      });
  };

  const push = (clients: Client[], session: Session, body: Record<string, unknown>, version: number) => {
    const text = JSON.stringify(body);
    for (const client of clients) {
      stats.desiredSent++;
      void sendToClient(client, desiredPatchTopic(version), text);
    }
    logger.debug('desired patch sent', { device: session.key, version });
  };

  return {
    async get(client, session, rid) {
      // Without a $rid nobody waits for the answer (the SDK always sends one).
      if (rid === undefined) return;
      stats.twinRequests++;
      try {
        const twin = twinOf(session);
        // No $metadata, tags or identity fields: the device-facing GET has none (§2.4, §4).
        const body = {
          desired: { ...twin.desired, $version: twin.desiredVersion },
          reported: { ...twin.reported, $version: twin.reportedVersion },
        };
        remember(session, twin.desiredVersion, twin.desired);
        await sendToClient(client, twinResponseTopic(200, rid), JSON.stringify(body));
      } catch (err) {
        await replyError(client, rid, err);
      }
    },

    async patchReported(client, session, rid, body) {
      stats.twinRequests++;
      try {
        if (body.length > MAX_REPORTED_PATCH_BYTES) {
          throw new HubError(
            'PAYLOAD_TOO_LARGE',
            `The reported patch is larger than ${MAX_REPORTED_PATCH_BYTES} bytes.`,
          );
        }
        twinOf(session);
        let patch: unknown;
        try {
          patch = JSON.parse(body.toString('utf8'));
        } catch (err) {
          // A RangeError here is a nesting too deep for the parser: still the device's mistake.
          throw new HubError(
            'INVALID_ARGUMENT',
            `The reported patch is not valid JSON (${(err as Error).message}).`,
          );
        }
        const version = await hub.twins.patchReported(session.deviceId, patch, {
          type: 'device',
          id: session.deviceId,
        });
        if (rid !== undefined) await sendToClient(client, twinResponseTopic(204, rid, version), '');
      } catch (err) {
        if (rid !== undefined) await replyError(client, rid, err);
        else stats.twinErrors++;
      }
    },

    desiredChanged(change, clients) {
      const patch = change.patch as { desired?: Record<string, unknown>; replaced?: boolean } | undefined;
      const version = patch?.desired?.$version;
      if (!patch?.desired || typeof version !== 'number') return;
      const first = clients[0];
      const rec = hub.devices.get(change.id);
      if (!first || !rec || !intents.get(change.id).desired) return;
      const described: DesiredChange = { version, patch: patch.desired, replaced: patch.replaced === true };
      const note = desiredNotification({
        delivered: intents.delivered(change.id),
        current: { version: rec.twin.desiredVersion, desired: rec.twin.desired },
        change: described,
      });
      if (!note) return;
      const session = { key: change.id, deviceId: change.id } as Session;
      if (note.delivered) remember(session, note.delivered.version, note.delivered.desired);
      push(clients, session, note.body, note.version);
    },

    catchUp(client, session) {
      if (session.moduleId !== undefined || !intents.get(session.deviceId).desired) return;
      const rec = hub.devices.get(session.deviceId);
      const delivered = intents.delivered(session.deviceId);
      if (!rec || !delivered) return;
      const note = desiredNotification({
        delivered,
        current: { version: rec.twin.desiredVersion, desired: rec.twin.desired },
      });
      if (!note) return;
      if (note.delivered) remember(session, note.delivered.version, note.delivered.desired);
      push([client], session, note.body, note.version);
    },
  };
}
