import { useEffect, useRef } from 'react';
import { type HubEvent, useHubEvents } from '../../api/events';

/**
 * Calls `reload` at most once per `ms` after hub events that `matches` accepts (trailing: the last
 * event of a burst is always followed by a reload), so a 1,000-device job does not refetch per row.
 */
export function useLiveReload(reload: () => void, matches: (event: HubEvent) => boolean, ms = 1000): void {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(reload);
  latest.current = reload;
  useHubEvents((event) => {
    if (!matches(event) || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
}

/** Calls `tick` every `ms` while `active`. */
export function usePolling(tick: () => void, active: boolean, ms: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => latest.current(), ms);
    return () => clearInterval(t);
  }, [active, ms]);
}
