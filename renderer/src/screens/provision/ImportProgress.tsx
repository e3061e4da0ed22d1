import { useEffect, useState } from 'react';
import { fetchImport, type ImportJobPage, type ImportRowOutcome } from '../../api/imports';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNotice, Notice, ProgressBar } from '../../components/ui';

/** How often a running import is read again. */
const POLL_MS = 500;
/** Failed rows read per page. */
const FAILED_PAGE = 500;

const finished = (job: ImportJobPage | undefined) => job?.status === 'completed' || job?.status === 'failed';

/** Follows one import: a progress bar while it runs, then the counts and every failed row. */
export function ImportProgress({ importId, fileName }: { importId: string; fileName: string }) {
  const { client } = useSession();
  const [job, setJob] = useState<ImportJobPage>();
  const [failedRows, setFailedRows] = useState<ImportRowOutcome[]>([]);
  const [nextOffset, setNextOffset] = useState<number>();
  const [error, setError] = useState<Error>();
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await fetchImport(client, importId, { failedOnly: true, limit: FAILED_PAGE });
        if (stopped) return;
        setJob(page);
        setFailedRows(page.results);
        setNextOffset(page.nextOffset);
        setError(undefined);
        if (finished(page)) return;
      } catch (err) {
        if (stopped) return;
        setError(err as Error);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, importId]);

  const loadMore = async () => {
    if (nextOffset === undefined) return;
    setLoadingMore(true);
    try {
      const page = await fetchImport(client, importId, {
        failedOnly: true,
        limit: FAILED_PAGE,
        offset: nextOffset,
      });
      setFailedRows((rows) => [...rows, ...page.results]);
      setNextOffset(page.nextOffset);
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  const progress = job?.progress;
  return (
    <section aria-labelledby="import-progress-title" className="prov-import-progress">
      <h3 id="import-progress-title">
        Import of {fileName}{' '}
        <span className={`badge ${statusBadge(job?.status)}`}>
          {job ? statusWord(job.status) : 'starting'}
        </span>
      </h3>
      <ErrorNotice error={error} title="The import's progress could not be read" />
      {progress ? (
        <>
          <ProgressBar value={progress.processed} max={progress.total} label="Import progress" />
          <div className="ops-counts" role="status" aria-live="polite">
            <span className="badge badge-ok">{progress.succeeded} created</span>
            <span className={`badge ${progress.failed ? 'badge-bad' : 'badge-muted'}`}>
              {progress.failed} failed
            </span>
            <span className="badge badge-muted">
              {progress.processed} of {progress.total} rows processed
            </span>
          </div>
        </>
      ) : null}
      {job?.status === 'failed' ? (
        <ErrorNotice
          error={
            new Error(`${job.failureReason ?? 'The import stopped.'} Rows before it stopped were created.`)
          }
          title="The import stopped"
        />
      ) : null}
      {job?.status === 'completed' ? (
        <Notice kind={progress?.failed ? 'info' : 'success'}>
          {progress?.succeeded} of {progress?.total} devices created.
          {progress?.failed
            ? ' Fix the rows below and import just those rows again: the created ones would fail as existing.'
            : ''}{' '}
          <a href={hrefTo('fleet')}>See the fleet</a>
        </Notice>
      ) : null}
      {failedRows.length ? <FailedRows rows={failedRows} /> : null}
      {nextOffset !== undefined ? (
        <button type="button" className="secondary" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show more failed rows'}
        </button>
      ) : null}
    </section>
  );
}

function FailedRows({ rows }: { rows: ImportRowOutcome[] }) {
  return (
    <div className="ops-table-wrap">
      <table className="prov-failed">
        <caption>
          Rows that failed ({rows.length}). Row 1 is the first device after the CSV header (or the first array
          entry).
        </caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Device id</th>
            <th scope="col">What is wrong</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row}>
              <td>{r.row}</td>
              <td>
                <code>{r.deviceId || '(empty)'}</code>
              </td>
              <td>
                {r.error?.message}
                {r.error ? <span className="muted small"> ({r.error.code})</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function statusWord(status: string): string {
  return status === 'completed' ? 'done' : status;
}

function statusBadge(status: string | undefined): string {
  if (status === 'completed') return 'badge-ok';
  if (status === 'failed') return 'badge-bad';
  return 'badge-warn';
}
