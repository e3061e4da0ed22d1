import { useEffect, useRef } from 'react';
import { eventDeviceId, type HubEvent, useHubEvents } from '../../api/events';

// A burst of changes (a reboot reports, disconnects and reports again) reloads once, not per event.
const SETTLE_MS = 120;

/**
 * Calls `reload` shortly after the event stream reports something about device `id` that `matches`,
 * so the page follows the device live without polling. `onEvent` also sees each such event at once.
 */
export function useDeviceLive(
  id: string,
  matches: (event: HubEvent) => boolean,
  reload: () => void,
  onEvent?: (event: HubEvent) => void,
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useHubEvents((event) => {
    if (eventDeviceId(event) !== id || !matches(event)) return;
    onEvent?.(event);
    clearTimeout(timer.current);
    timer.current = setTimeout(reload, SETTLE_MS);
  });
}
