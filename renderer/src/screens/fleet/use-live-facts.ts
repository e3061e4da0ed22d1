import { useEffect, useRef, useState } from 'react';
import { useHubEvents } from '../../api/events';
import type { LiveFacts } from './columns';

// Many devices (re)connecting at once would re-render the list per event; one render per tick is enough.
const RENDER_EVERY_MS = 200;

/**
 * Connection state, last activity and reported `status` of devices as the event stream reports them,
 * so the list stays live without re-running its query. Forgotten when `resetKey` changes (a new
 * query loads fresh rows). `version` changes whenever a fact did.
 */
export function useLiveFacts(resetKey: string): { facts: ReadonlyMap<string, LiveFacts>; version: number } {
  const facts = useRef(new Map<string, LiveFacts>());
  const [version, setVersion] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: resetKey is the trigger
  useEffect(() => {
    facts.current = new Map();
    setVersion((v) => v + 1);
  }, [resetKey]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const set = (deviceId: string, next: LiveFacts) => {
    facts.current.set(deviceId, { ...facts.current.get(deviceId), ...next });
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      setVersion((v) => v + 1);
    }, RENDER_EVERY_MS);
  };

  useHubEvents((event) => {
    if (event.type === 'deviceConnected') {
      const { deviceId, at, moduleId } = event.connection;
      if (!moduleId) set(deviceId, { connectionState: 'Connected', lastActivityTime: at });
    } else if (event.type === 'deviceDisconnected') {
      const { deviceId, moduleId } = event.connection;
      if (!moduleId) set(deviceId, { connectionState: 'Disconnected' });
    } else if (event.type === 'twinReportedChanged' && event.entry.deviceId) {
      const patch = event.entry.patch as Record<string, unknown> | null;
      const next: LiveFacts = { lastActivityTime: event.entry.at };
      if (patch && 'status' in patch) next.reportedStatus = patch.status ?? undefined;
      set(event.entry.deviceId, next);
    }
  });

  return { facts: facts.current, version };
}
