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
 * stream resumes with Last-Event-ID (the browser sends it), so no change is missed. A stream the
 * browser gave up on (an error answer: a restarting hub behind a proxy, an ended session) is
 * opened again with backoff from the last change seen, after the session is checked.
 */
export function HubEventsProvider({ children }: { children: ReactNode }) {
  const { client, refresh } = useSession();
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<EventsContextValue['status']>('connecting');
  const lastSeq = useRef<number | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt reopens the stream
  useEffect(() => {
    const after = lastSeq.current;
    const source = new EventSource(
      client.streamUrl('/api/v1/events', after === undefined ? {} : { afterSeq: after }),
    );
    const emit = (event: HubEvent) => {
      for (const l of listeners.current) l(event);
    };
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.onopen = () => {
      failures.current = 0;
      setStatus('live');
    };
    source.onerror = () => {
      setStatus('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;
      // The browser will not retry this one: check the session (signs out if it ended), then reopen.
      void refresh();
      const delay = Math.min(30_000, 2_000 * 2 ** Math.min(failures.current, 4));
      failures.current += 1;
      retry = setTimeout(() => setAttempt((n) => n + 1), delay);
    };
    for (const kind of CHANGE_KINDS) {
      source.addEventListener(kind, (e) => {
        const entry = JSON.parse((e as MessageEvent).data) as AuditEntry;
        lastSeq.current = entry.seq;
        emit({ type: kind, entry });
      });
    }
    for (const type of ['deviceConnected', 'deviceDisconnected'] as const) {
      source.addEventListener(type, (e) => emit({ type, connection: JSON.parse((e as MessageEvent).data) }));
    }
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [client, attempt]);

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
