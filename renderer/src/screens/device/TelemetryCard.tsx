import { useId, useState } from 'react';
import { type TelemetryMessage, useTelemetry } from '../../api/telemetry';
import { isObject } from '../../api/twins';

/** A message body as short `key value` pairs when it is a JSON object, else its text. */
function bodySummary(message: TelemetryMessage): string {
  if (message.bodyEncoding === 'base64') return `(binary, ${message.body.length} base64 characters)`;
  try {
    const parsed: unknown = JSON.parse(message.body);
    if (isObject(parsed)) {
      return Object.entries(parsed)
        .filter(([k]) => k !== 'timestamp' && k !== 'seq')
        .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' · ');
    }
  } catch {
    // not JSON: show the text
  }
  return message.body;
}

function propertySummary(message: TelemetryMessage): string {
  return Object.entries(message.properties)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** The device's telemetry as it arrives (new messages only), newest first, with a pause. */
export function TelemetryCard({ deviceId }: { deviceId: string }) {
  const [paused, setPaused] = useState(false);
  const feed = useTelemetry(deviceId, paused);
  const headingId = useId();
  const statusText =
    feed.status === 'live' ? '● Live' : feed.status === 'connecting' ? '○ Connecting' : '○ Reconnecting';

  return (
    <section className="card telemetry" aria-labelledby={headingId}>
      <div className="card-head">
        <h2 id={headingId}>Telemetry</h2>
        <span className={`small stream-state stream-state-${feed.status}`}>{statusText}</span>
        <span className="small muted" role="status" aria-live="polite" aria-atomic="true">
          {feed.received.toLocaleString()} message{feed.received === 1 ? '' : 's'} received
        </span>
        <button
          type="button"
          className="secondary small-button"
          aria-pressed={paused}
          onClick={() => setPaused((p) => !p)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {feed.messages.length === 0 ? (
        <p className="muted">Waiting for the device's next message…</p>
      ) : (
        <div className="telemetry-scroll">
          <table aria-label="Latest telemetry messages">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Body</th>
                <th scope="col">Properties</th>
              </tr>
            </thead>
            <tbody>
              {feed.messages.map((m) => (
                <tr key={m.seq}>
                  <td className="nowrap">
                    <time dateTime={m.enqueuedTime} title={m.enqueuedTime}>
                      {new Date(m.enqueuedTime).toLocaleTimeString()}
                    </time>
                  </td>
                  <td className="mono">{bodySummary(m)}</td>
                  <td className="mono small muted">{propertySummary(m)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
