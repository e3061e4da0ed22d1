import type { AuditEntry, ChangeKind, ConnectionEvent } from '@outpost/core';
import { changeKindSchema } from '@outpost/core/contracts';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { useSession } from '../app/session';

/** One event of the hub's stream: a change of the feed, or a device (dis)connecting. */
export type HubEvent =
  | { type: ChangeKind; entry: AuditEntry }
  | { type: 'deviceConnected' | 'deviceDisconnected'; connection: ConnectionEvent };

type Listener = (event: HubEvent) => void;

interface EventsContextValue {
  subscribe(listener: Listener): () => void;
  /** 'live' while the stream is open, 'reconnecting' after it dropped (EventSource retries). */
  status: 'connecting' | 'live' | 'reconnecting';
}

const EventsContext = createContext<EventsContextValue | undefined>(undefined);

// Every kind of the feed, from the contract itself: a kind added to core reaches the UI unasked.
const CHANGE_KINDS: readonly ChangeKind[] = changeKindSchema.options;

/**
 * One EventSource on `GET /api/v1/events` for the whole app; screens subscribe to it. A dropped
 * stream resumes with Last-Event-ID (the browser sends it), so no change is missed.
 */
export function HubEventsProvider({ children }: { children: ReactNode }) {
  const { client } = useSession();
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<EventsContextValue['status']>('connecting');

  useEffect(() => {
    const source = new EventSource(client.streamUrl('/api/v1/events'));
    const emit = (event: HubEvent) => {
      for (const l of listeners.current) l(event);
    };
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus('reconnecting');
    for (const kind of CHANGE_KINDS) {
      source.addEventListener(kind, (e) => emit({ type: kind, entry: JSON.parse((e as MessageEvent).data) }));
    }
    for (const type of ['deviceConnected', 'deviceDisconnected'] as const) {
      source.addEventListener(type, (e) => emit({ type, connection: JSON.parse((e as MessageEvent).data) }));
    }
    return () => source.close();
  }, [client]);

  const value = useRef<EventsContextValue>({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
    status,
  });
  value.current = { ...value.current, status };
  return <EventsContext.Provider value={value.current}>{children}</EventsContext.Provider>;
}

/** Calls `listener` for every hub event while the component is mounted. */
export function useHubEvents(listener: Listener): void {
  const ctx = useContext(EventsContext);
  if (!ctx) throw new Error('useHubEvents outside HubEventsProvider');
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => ctx.subscribe((e) => latest.current(e)), [ctx]);
}

/** The state of the event stream, for the header's "live" indicator. */
export function useHubEventsStatus(): EventsContextValue['status'] {
  const ctx = useContext(EventsContext);
  return ctx?.status ?? 'connecting';
}

/** The device an event is about, if any. */
export function eventDeviceId(event: HubEvent): string | undefined {
  return 'entry' in event ? event.entry.deviceId : event.connection.deviceId;
}
