import { useEffect, useState } from 'react';
import { type HubEvent, useHubEvents } from '../../api/events';

// What can change which devices a query lists, or where: connection state, activity and reported
// status are followed live in place (use-live-facts.ts); these need the query run again.
const LIST_CHANGING = new Set<HubEvent['type']>([
  'deviceCreated',
  'deviceDeleted',
  'deviceUpdated',
  'twinTagsChanged',
]);

/**
 * How many devices were added, deleted, or had their identity or tags changed since the list was
 * (re)loaded; `reset()` when it is loaded again. The list does not reshuffle under the user's eyes:
 * the screen offers a refresh instead.
 */
export function useFleetChanges(loadedFor: unknown): { changed: number; reset(): void } {
  const [changed, setChanged] = useState<Set<string>>(() => new Set());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query or reload starts the count again
  useEffect(() => setChanged(new Set()), [loadedFor]);
  useHubEvents((event) => {
    if (!LIST_CHANGING.has(event.type) || !('entry' in event)) return;
    const id = event.entry.id;
    setChanged((s) => (s.has(id) ? s : new Set(s).add(id)));
  });
  return { changed: changed.size, reset: () => setChanged(new Set()) };
}
