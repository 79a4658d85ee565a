import { useEffect, useRef, useState } from 'react';
import type { AnswerOf } from '../api/client';

/** A notification as the inbox stores and streams it (the stream sends what the list answers). */
export type StreamedNotification = AnswerOf<'/v1/me/inbox', 'get'>['notifications'][number];

/**
 * The citizen's live notifications: server-sent events from `/v1/me/inbox/stream` over the session
 * cookie (the browser reconnects by itself, resuming with Last-Event-ID). Calls `onNotification`
 * for each one and returns whether the stream is connected. Pages that show something the events
 * change (the inbox, the access timeline) follow it instead of polling.
 */
export function useNotificationStream(
  onNotification: (notification: StreamedNotification) => void,
): boolean {
  const latest = useRef(onNotification);
  useEffect(() => {
    latest.current = onNotification;
  }, [onNotification]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/v1/me/inbox/stream');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('notification', (event) => {
      latest.current(JSON.parse((event as MessageEvent<string>).data) as StreamedNotification);
    });
    return () => source.close();
  }, []);
  return connected;
}
