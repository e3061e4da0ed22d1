import type { DeviceOperationView } from '@outpost/core';
import { type FormEvent, useId, useState } from 'react';
import type { HubEvent } from '../../api/events';
import { useApi } from '../../api/use-api';
import { useSession } from '../../app/session';
import { Age, ErrorNotice } from '../../components/ui';
import { operationSteps, PROGRESS_MEMBER, reportedStatusWord } from './operation-steps';
import { useDeviceLive } from './use-device-live';

interface LogLine {
  at: string;
  text: string;
}

let lineCounter = 0;
const numbered = (line: LogLine) => ({ ...line, n: ++lineCounter });

const LIVE_KINDS = new Set([
  'twinReportedChanged',
  'deviceOperationInvoked',
  'deviceConnected',
  'deviceDisconnected',
]);

/** What an event means for a running operation, in words (undefined: nothing worth a line). */
function describe(event: HubEvent): LogLine | undefined {
  if (event.type === 'deviceConnected') return { at: event.connection.at, text: 'Device is online' };
  if (event.type === 'deviceDisconnected') return { at: event.connection.at, text: 'Device went offline' };
  if (!('entry' in event)) return undefined;
  const patch = (event.entry.patch ?? {}) as Record<string, unknown>;
  if (event.type === 'deviceOperationInvoked') {
    const status = patch.status === null ? 'no answer' : `answer ${String(patch.status)}`;
    return {
      at: event.entry.at,
      text: `${String(patch.operation)} invoked (${status}, ${String(patch.state)})`,
    };
  }
  for (const member of Object.values(PROGRESS_MEMBER)) {
    const word = reportedStatusWord(patch[member]);
    if (word) return { at: event.entry.at, text: `Device reports ${member}: ${word}` };
  }
  return undefined;
}

/**
 * Reboot and factory reset (direct methods, recorded by the hub), with the device's reported progress
 * followed live: the steps of the pattern, the reported status members, and a log of what happened.
 */
export function OperationsCard({ deviceId, canOperate }: { deviceId: string; canOperate: boolean }) {
  const { client } = useSession();
  const path = `/api/v1/devices/${encodeURIComponent(deviceId)}`;
  const view = useApi(
    (signal) => client.get<DeviceOperationView>(`${path}/operations`, {}, signal),
    [client, path],
  );
  const [log, setLog] = useState<(LogLine & { n: number })[]>([]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const [confirmReset, setConfirmReset] = useState(false);
  const [delay, setDelay] = useState('');
  const headingId = useId();
  const delayId = useId();

  useDeviceLive(
    deviceId,
    (e) => LIVE_KINDS.has(e.type),
    view.reload,
    (e) => {
      const line = describe(e);
      if (line) setLog((l) => [...l.slice(-11), numbered(line)]);
    },
  );

  const run = async (operation: 'reboot' | 'factory-reset', payload: Record<string, unknown>) => {
    setBusy(operation);
    setError(undefined);
    setConfirmReset(false);
    setLog((l) => [
      ...l.slice(-11),
      numbered({ at: new Date().toISOString(), text: `${operation} requested` }),
    ]);
    try {
      await client.post(`${path}/${operation}`, { payload });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(undefined);
      view.reload();
    }
  };
  const reboot = (e: FormEvent) => {
    e.preventDefault();
    const seconds = delay.trim() === '' ? undefined : Number(delay);
    void run('reboot', seconds === undefined ? {} : { delay: seconds });
  };

  const data = view.data;
  const op = data?.lastOperation;
  const steps = data ? operationSteps(data) : [];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Operations</h2>
      <ErrorNotice error={view.error} title="The last operation could not be loaded" />
      {op ? (
        <div className="op-last">
          <p>
            Last: <strong>{op.operation}</strong> by {op.requestedBy.type} {op.requestedBy.id},{' '}
            <Age iso={op.requestedTime} />
            {op.error ? <span className="muted"> — {op.error.message}</span> : null}
          </p>
          <ol className="op-steps" aria-label={`Progress of the ${op.operation}`}>
            {steps.map((s) => (
              <li
                key={s.label}
                className={`op-step op-step-${s.state}`}
                aria-current={s.state === 'current' ? 'step' : undefined}
              >
                <span aria-hidden="true">
                  {s.state === 'done' ? '✓' : s.state === 'failed' ? '✕' : s.state === 'current' ? '●' : '○'}
                </span>{' '}
                {s.label}
              </li>
            ))}
          </ol>
        </div>
      ) : data ? (
        <p className="muted">No reboot or factory reset yet.</p>
      ) : null}
      {data ? (
        <dl className="facts small">
          <dt>rebootStatus</dt>
          <dd className="mono" data-testid="reboot-status">
            {reportedStatusWord(data.reported.rebootStatus) ?? '—'}
          </dd>
          <dt>factoryResetStatus</dt>
          <dd className="mono" data-testid="factory-reset-status">
            {reportedStatusWord(data.reported.factoryResetStatus) ?? '—'}
          </dd>
        </dl>
      ) : null}
      {log.length ? (
        <ol className="op-log small" role="log" aria-label="Operation events" aria-live="polite">
          {log.map((line) => (
            <li key={line.n}>
              <time dateTime={line.at}>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
            </li>
          ))}
        </ol>
      ) : null}
      <ErrorNotice error={error} title="The operation failed" />
      {canOperate ? (
        <div className="op-actions">
          <form className="row" onSubmit={reboot}>
            <label htmlFor={delayId}>Offline for (s)</label>
            <input
              id={delayId}
              type="number"
              min={0}
              max={3600}
              value={delay}
              onChange={(e) => setDelay(e.target.value)}
              placeholder="default"
              className="op-delay"
            />
            <button type="submit" disabled={busy !== undefined}>
              {busy === 'reboot' ? 'Rebooting…' : 'Reboot'}
            </button>
          </form>
          {confirmReset ? (
            <div className="notice notice-error op-confirm">
              <p>Factory reset returns the device's settings and reported properties to their defaults.</p>
              <div className="row">
                <button type="button" className="danger" onClick={() => void run('factory-reset', {})}>
                  Confirm factory reset
                </button>
                <button type="button" className="secondary" onClick={() => setConfirmReset(false)}>
                  Keep the device as it is
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              className="secondary"
              disabled={busy !== undefined}
              onClick={() => setConfirmReset(true)}
            >
              {busy === 'factory-reset' ? 'Resetting…' : 'Factory reset…'}
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}
