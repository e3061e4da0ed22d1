import { type ChangeEvent, useState } from 'react';
import { type ImportFormat, startImport } from '../../api/imports';
import { desktopBridge } from '../../app/desktop-bridge';
import { useSession } from '../../app/session';
import { ErrorNotice } from '../../components/ui';
import { ImportFormatHelp } from './ImportFormatHelp';
import { ImportProgress } from './ImportProgress';
import { csvDataLines, detectFormat, jsonEntries } from './import-format';

interface ChosenFile {
  name: string;
  text: string;
  format: ImportFormat;
}

/** Bulk import from a CSV or JSON file: choose, check the preview, import, follow its progress. */
export function ImportPanel() {
  const { client } = useSession();
  const [file, setFile] = useState<ChosenFile>();
  const [started, setStarted] = useState<{ id: string; fileName: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const bridge = desktopBridge();

  const choose = (name: string, text: string) => {
    setFile({ name, text, format: detectFormat(name, text) });
    setStarted(undefined);
    setError(undefined);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0];
    if (!picked) return;
    try {
      choose(picked.name, await picked.text());
    } catch (err) {
      setError(new Error(`The file could not be read: ${(err as Error).message}`));
    }
  };

  const openWithDialog = async () => {
    const picked = await bridge?.openFile({
      filters: [{ name: 'Device lists', extensions: ['csv', 'json'] }],
    });
    if (picked) choose(picked.name, picked.text);
  };

  const start = async () => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      const job = await startImport(client, file.text, file.format);
      setStarted({ id: job.id, fileName: file.name });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const count = file ? (file.format === 'csv' ? csvDataLines(file.text) : jsonEntries(file.text)) : undefined;
  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import devices from a file</h2>
      <p className="ops-hint">
        A CSV or JSON list of devices. Each row is created on its own: a bad row fails alone and is listed
        with its row number.
      </p>
      <ImportFormatHelp />
      <div className="ops-field">
        <label htmlFor="import-file">Import file (CSV or JSON)</label>
        <input id="import-file" type="file" accept=".csv,.json,text/csv,application/json" onChange={onFile} />
      </div>
      {bridge ? (
        <button type="button" className="secondary" onClick={() => void openWithDialog()}>
          Choose a file…
        </button>
      ) : null}
      {file ? (
        <div className="prov-preview" role="status">
          <strong>{file.name}</strong>: {file.format.toUpperCase()},{' '}
          {count === undefined ? 'not a JSON array (the hub will say what is wrong)' : `${count} devices`},{' '}
          {new Blob([file.text]).size.toLocaleString()} bytes
        </div>
      ) : null}
      <ErrorNotice error={error} title="The import was not started" />
      <div className="ops-actions">
        <button type="button" onClick={() => void start()} disabled={!file || busy}>
          {busy ? 'Uploading…' : count ? `Import ${count} devices` : 'Import'}
        </button>
      </div>
      {started ? <ImportProgress key={started.id} importId={started.id} fileName={started.fileName} /> : null}
    </section>
  );
}
