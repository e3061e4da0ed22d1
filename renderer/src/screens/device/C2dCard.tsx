import type { C2dEnqueued, C2dMessageView } from '@outpost/core';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorNotice, InputProblem } from '../../components/ui';

// The hub answers 202 once the message is queued; it leaves the queue when the device acknowledges
// it. Polled for a while, so the operator sees "delivered" without reloading.
const POLL_MS = 1000;
const POLL_FOR_MS = 120_000;

type Delivery = { sent: C2dEnqueued; state: 'queued' | 'delivered' | 'waiting' | 'unchecked' };

function parseProperties(text: string): Record<string, string> | string {
  if (text.trim() === '') return {};
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, ...rest] = part.split('=');
    const key = k?.trim() ?? '';
    if (!key || rest.length === 0) return `"${part.trim()}" is not key=value.`;
    out[key] = rest.join('=').trim();
  }
  return out;
}

/** Sends a cloud-to-device message and follows it until the device has acknowledged it. */
export function C2dCard({ deviceId }: { deviceId: string }) {
  const { client } = useSession();
  const path = `/api/v1/devices/${encodeURIComponent(deviceId)}/messages`;
  const [body, setBody] = useState('');
  const [props, setProps] = useState('');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [delivery, setDelivery] = useState<Delivery>();
  const headingId = useId();
  const bodyId = useId();
  const propsId = useId();

  useEffect(() => {
    if (delivery?.state !== 'queued') return;
    const started = Date.now();
    const id = delivery.sent.messageId;
    let cancelled = false;
    let inFlight = false;
    // Only this message's answer may change what is shown: a late answer about an earlier message
    // (or one arriving after this effect ended) is dropped, and polls never overlap.
    const settle = (state: Delivery['state']) => {
      if (!cancelled) setDelivery((d) => (d && d.sent.messageId === id ? { ...d, state } : d));
    };
    const timer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      client
        .get<C2dMessageView[]>(path)
        .then(
          (queued) => {
            if (!queued.some((m) => m.messageId === id)) settle('delivered');
            else if (Date.now() - started > POLL_FOR_MS) settle('waiting');
          },
          () => settle('unchecked'),
        )
        .finally(() => {
          inFlight = false;
        });
    }, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client, path, delivery]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    const properties = parseProperties(props);
    if (typeof properties === 'string') {
      setProblem(`Properties: ${properties} Write them as key=value, separated by commas.`);
      return;
    }
    setBusy(true);
    try {
      const sent = await client.post<C2dEnqueued>(path, {
        body,
        ...(Object.keys(properties).length ? { properties } : {}),
      });
      setDelivery({ sent, state: 'queued' });
      setBody('');
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Cloud-to-device message</h2>
      <form onSubmit={send}>
        <label htmlFor={bodyId}>Message body</label>
        <textarea
          id={bodyId}
          className="c2d-body"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          rows={3}
          placeholder='{"command": "blink"}'
        />
        <label htmlFor={propsId}>Properties (optional)</label>
        <input
          id={propsId}
          className="mono"
          value={props}
          onChange={(e) => setProps(e.target.value)}
          placeholder="priority=high, source=operator"
        />
        <InputProblem>{problem}</InputProblem>
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send message'}
        </button>
      </form>
      <ErrorNotice error={error} title="The message was not queued" />
      {delivery ? (
        <p role="status" className="c2d-status">
          Message <code>{delivery.sent.messageId}</code>:{' '}
          {delivery.state === 'queued' ? (
            <span className="badge badge-warn">queued, waiting for the device</span>
          ) : delivery.state === 'delivered' ? (
            <span className="badge badge-ok">delivered, the device acknowledged it</span>
          ) : delivery.state === 'waiting' ? (
            <span className="badge badge-muted">
              still queued; the hub keeps it for the device until{' '}
              {new Date(delivery.sent.expiryTimeUtc).toLocaleString()}
            </span>
          ) : (
            <span className="badge badge-muted">
              queued; its delivery could not be checked (reload to see)
            </span>
          )}
        </p>
      ) : null}
    </section>
  );
}
