import { useEffect, useMemo } from 'react';
import { desktopBridge } from '../../app/desktop-bridge';
import { IMPORT_COLUMNS, SAMPLE_CSV, SAMPLE_JSON } from './import-format';

function SampleDownload({
  name,
  text,
  type,
  label,
}: {
  name: string;
  text: string;
  type: string;
  label: string;
}) {
  const bridge = desktopBridge();
  const url = useMemo(
    () => (bridge ? '' : URL.createObjectURL(new Blob([text], { type }))),
    [bridge, text, type],
  );
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  if (bridge) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => void bridge.saveFile({ defaultName: name, text })}
      >
        {label}
      </button>
    );
  }
  return (
    <a className="prov-download" href={url} download={name}>
      {label}
    </a>
  );
}

/** The import format: the CSV columns, an example, and samples to download. */
export function ImportFormatHelp() {
  return (
    <details className="prov-format">
      <summary>File format and samples</summary>
      <p>
        <strong>CSV</strong>: a header line, then one device per line. Cells hold plain text or a JSON literal
        (<code>42</code>, <code>true</code>, <code>"007"</code>); an empty cell sets nothing.
      </p>
      <table>
        <caption className="sr-only">CSV columns</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {IMPORT_COLUMNS.map((c) => (
            <tr key={c.name}>
              <td>
                <code>{c.name}</code>
              </td>
              <td>{c.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figure className="json-figure">
        <figcaption className="sr-only">Sample CSV</figcaption>
        <pre className="json prov-sample">{SAMPLE_CSV}</pre>
      </figure>
      <p>
        <strong>JSON</strong>: an array of{' '}
        <code>{'{deviceId, tags?, desired?, primaryKey?, secondaryKey?}'}</code>. An export of this hub (
        <code>outpost export</code>, or <code>GET /api/v1/exports</code>) reads back as an import.
      </p>
      <div className="ops-actions">
        <SampleDownload
          name="outpost-import-sample.csv"
          text={SAMPLE_CSV}
          type="text/csv"
          label="Download sample CSV"
        />
        <SampleDownload
          name="outpost-import-sample.json"
          text={SAMPLE_JSON}
          type="application/json"
          label="Download sample JSON"
        />
      </div>
    </details>
  );
}
