import './ops-forms.css';
import { useCallback } from 'react';
import { fetchConnectionString } from '../api/provisioning';
import { useApi } from '../api/use-api';
import { useSession } from '../app/session';
import { CopyButton, ErrorNotice } from './ui';

/**
 * A device's connection string (it holds the primary key: shown to operators only, fetched on
 * demand, never stored), with a copy button. `version` refetches it after keys changed.
 */
export function ConnectionStringBox({ deviceId, version = 0 }: { deviceId: string; version?: number }) {
  const { client } = useSession();
  // biome-ignore lint/correctness/useExhaustiveDependencies: version refetches after a key change
  const load = useCallback(() => fetchConnectionString(client, deviceId), [client, deviceId, version]);
  const { data, error, loading } = useApi(load, [load]);
  if (error) return <ErrorNotice error={error} title="The connection string could not be read" />;
  if (loading && !data) return <p className="muted">Reading the connection string…</p>;
  if (!data) return null;
  return (
    <fieldset className="ops-secret">
      <legend className="sr-only">Connection string of {deviceId}</legend>
      <code>{data}</code>
      <CopyButton text={data} label="Copy connection string" />
    </fieldset>
  );
}
