import type { DeviceIdentity, TwinDocument } from '@outpost/core';
import { useCallback } from 'react';
import { eventDeviceId } from '../../api/events';
import { fetchTwin } from '../../api/lifecycle';
import { type ApiState, useApi } from '../../api/use-api';
import { useSession } from '../../app/session';
import { useLiveReload } from '../configure/use-live-reload';

/** The chosen device's identity (status reason) and twin (tags, connection); live. */
export function useRetireDevice(
  deviceId: string | undefined,
): ApiState<{ identity: DeviceIdentity; twin: TwinDocument } | undefined> {
  const { client } = useSession();
  const load = useCallback(
    async (signal: AbortSignal) => {
      if (!deviceId) return undefined;
      const [identity, twin] = await Promise.all([
        client.get<DeviceIdentity>(`/devices/${encodeURIComponent(deviceId)}`, undefined, signal),
        fetchTwin(client, deviceId, signal),
      ]);
      return { identity, twin };
    },
    [client, deviceId],
  );
  const state = useApi(load, [load]);
  useLiveReload(state.reload, (e) => !!deviceId && eventDeviceId(e) === deviceId, 500);
  return state;
}
