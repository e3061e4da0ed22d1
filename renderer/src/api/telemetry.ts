import type { TelemetryEvent } from '@outpost/core';
import { useEffect, useRef, useState } from 'react';
import { useSession } from '../app/session';

/** One telemetry message as `GET /api/v1/telemetry/stream` sends it. */
export type TelemetryMessage = TelemetryEvent;

/** The live telemetry of one device: the latest messages (newest first) and the stream's state. */
export interface TelemetryFeed {
  messages: TelemetryMessage[];
  /** Messages received since the view opened (the list keeps only the latest). */
  received: number;
  status: 'connecting' | 'live' | 'reconnecting';
}

/**
 * Follows a device's telemetry over Server-Sent Events (new messages only), keeping the latest
 * `keep`. The token goes as `access_token`, since EventSource cannot send headers; a dropped stream
 * resumes after the last message it saw (Last-Event-ID), so nothing is shown twice.
 */
export function useTelemetry(deviceId: string, paused: boolean, keep = 25): TelemetryFeed {
  const { client } = useSession();
  const [feed, setFeed] = useState<TelemetryFeed>({ messages: [], received: 0, status: 'connecting' });
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    setFeed({ messages: [], received: 0, status: 'connecting' });
    const source = new EventSource(client.streamUrl('/api/v1/telemetry/stream', { deviceId }));
    source.onopen = () => setFeed((f) => ({ ...f, status: 'live' }));
    source.onerror = () => setFeed((f) => ({ ...f, status: 'reconnecting' }));
    source.onmessage = (e: MessageEvent<string>) => {
      const message = JSON.parse(e.data) as TelemetryMessage;
      setFeed((f) => ({
        ...f,
        received: f.received + 1,
        messages: pausedRef.current ? f.messages : [message, ...f.messages].slice(0, keep),
      }));
    };
    return () => source.close();
  }, [client, deviceId, keep]);

  return feed;
}
