import { type FormEvent, useId, useState } from 'react';
import { useSession } from '../../app/session';
import { CopyButton, ErrorNotice } from '../../components/ui';

/**
 * The device's connection string (operators: it holds the key), fetched only when asked for, with
 * `GatewayHostName` set to the address devices reach this hub at (by default the one this page
 * was loaded from; empty leaves it out).
 */
export function ConnectionString({ deviceId }: { deviceId: string }) {
  const { client } = useSession();
  const [gateway, setGateway] = useState(() => window.location.hostname);
  const [value, setValue] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const gatewayId = useId();

  const show = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await client.get<{ connectionString: string }>(
        `/api/v1/devices/${encodeURIComponent(deviceId)}/connection-string`,
        gateway.trim() ? { gateway: gateway.trim() } : {},
      );
      setValue(res.connectionString);
    } catch (err) {
      setValue(undefined);
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="conn-string" onSubmit={show}>
      <h3>Connection string</h3>
      <div className="row">
        <label htmlFor={gatewayId}>Gateway host name</label>
        <input
          id={gatewayId}
          value={gateway}
          onChange={(e) => {
            setGateway(e.target.value);
            setValue(undefined);
          }}
          placeholder="host or host:port"
          className="mono"
          size={22}
        />
        <button type="submit" className="secondary" disabled={busy}>
          {value ? 'Refresh' : 'Show connection string'}
        </button>
      </div>
      <ErrorNotice error={error} title="The connection string could not be made" />
      {value ? (
        <div className="conn-string-value">
          <code className="mono">{value}</code>
          <CopyButton text={value} label="Copy connection string" />
        </div>
      ) : null}
    </form>
  );
}
