import type { AlertsNow } from '@outpost/core';
import { useCallback, useEffect, useState } from 'react';
import { useHubEvents } from '../api/events';
import { usePolling } from '../api/use-polling';
import { useSession } from './session';

// The rules run over every twin on each read; every 30 s per open app is cheap (about 15 ms at 10k devices).
const POLL_MS = 30_000;

/** How many alert rules fire now, for the navigation's badge; undefined until known or on error. */
export function useFiringAlerts(): number | undefined {
  const { client } = useSession();
  const [firing, setFiring] = useState<number>();
  const load = useCallback(() => {
    client
      .get<AlertsNow>('/api/v1/alerts')
      .then((now) => setFiring(now.firing))
      .catch(() => setFiring(undefined));
  }, [client]);
  useEffect(load, [load]);
  usePolling(load, POLL_MS);
  // A rule saved or deleted anywhere changes the count at once.
  useHubEvents((event) => {
    if (event.type === 'alertRuleSaved' || event.type === 'alertRuleDeleted') load();
  });
  return firing;
}
