import { type FormEvent, useId, useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorNotice, InputProblem, JsonView } from '../../components/ui';

// IoT Hub's rule for method names (service-api.md): printable ASCII without separators or spaces.
const METHOD_NAME = /^[!#%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;

/** Any direct method with a JSON payload (`POST /twins/{id}/methods`), and the device's answer. */
export function MethodCard({ deviceId }: { deviceId: string }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [payload, setPayload] = useState('{}');
  const [timeout, setTimeoutSeconds] = useState('30');
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<{ status: number; payload: unknown }>();
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const nameId = useId();
  const payloadId = useId();
  const timeoutId = useId();

  const invoke = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    setResult(undefined);
    if (!METHOD_NAME.test(name)) {
      setProblem('Method name: 1–128 letters, digits or - . _ (no spaces, no / $ ( ) and the like).');
      return;
    }
    let body: unknown;
    try {
      body = payload.trim() === '' ? null : JSON.parse(payload);
    } catch (err) {
      setProblem(`Payload is not valid JSON: ${(err as Error).message}.`);
      return;
    }
    const seconds = Number(timeout);
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 300) {
      setProblem('Response timeout: a whole number of seconds from 5 to 300.');
      return;
    }
    setBusy(true);
    try {
      setResult(
        await client.post(`/twins/${encodeURIComponent(deviceId)}/methods`, {
          methodName: name,
          payload: body,
          responseTimeoutInSeconds: seconds,
        }),
      );
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Direct method</h2>
      <form onSubmit={invoke}>
        <div className="method-grid">
          <div>
            <label htmlFor={nameId}>Method name</label>
            <input
              id={nameId}
              className="mono"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="reboot"
              autoComplete="off"
            />
          </div>
          <div>
            <label htmlFor={timeoutId}>Response timeout (s)</label>
            <input
              id={timeoutId}
              type="number"
              min={5}
              max={300}
              value={timeout}
              onChange={(e) => setTimeoutSeconds(e.target.value)}
            />
          </div>
        </div>
        <label htmlFor={payloadId}>Payload (JSON)</label>
        <textarea
          id={payloadId}
          className="method-payload"
          value={payload}
          onChange={(e) => setPayload(e.target.value)}
          rows={3}
          spellCheck={false}
        />
        <InputProblem>{problem}</InputProblem>
        <button type="submit" disabled={busy}>
          {busy ? 'Waiting for the device…' : 'Invoke method'}
        </button>
      </form>
      <ErrorNotice error={error} title="The method call failed" />
      {result ? (
        <div role="status">
          <p>
            Device answered{' '}
            <span className={`badge ${result.status < 300 ? 'badge-ok' : 'badge-bad'}`}>
              status {result.status}
            </span>
          </p>
          <JsonView value={result.payload} label="Method response payload" />
        </div>
      ) : null}
    </section>
  );
}
