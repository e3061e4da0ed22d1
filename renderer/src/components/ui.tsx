import { type ReactNode, useEffect, useState } from 'react';
import { HubApiError } from '../api/http';

/** What to do about an error, by the hub's error name or HTTP status. */
function advice(err: Error): string | undefined {
  if (!(err instanceof HubApiError)) return undefined;
  if (err.status === 0) return 'Check the hub address and that the hub is running.';
  if (err.status === 401) return 'Sign in again.';
  if (err.status === 403) return 'Ask an admin for a role that allows this.';
  if (err.status === 412) return 'Someone changed it meanwhile: reload and apply your change again.';
  if (err.status === 429) return 'Wait a moment and try again.';
  if (err.status >= 500) return 'The hub failed; its log has the details.';
  return undefined;
}

/** An error in place: what happened, and what to do (`hint` replaces the advice by status). */
export function ErrorNotice({
  error,
  title,
  hint: given,
}: {
  error: Error | undefined;
  title?: string;
  hint?: string;
}) {
  if (!error) return null;
  const hint = given ?? advice(error);
  const code = error instanceof HubApiError ? error.code : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      {code ? <span className="code"> ({code})</span> : null}: {error.message}
      {hint ? <div className="hint">{hint}</div> : null}
    </div>
  );
}

/** A problem with what the user typed, shown in place; nothing when there is none. */
export function InputProblem({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="notice notice-error" role="alert">
      {children}
    </p>
  );
}

/** A success or info line. */
export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' }) {
  return (
    <div className={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

/** A progress bar with its figures for screen readers and eyes. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">
        {value.toLocaleString()} / {max.toLocaleString()} ({pct}%)
      </span>
    </div>
  );
}

/** "3 min ago" from an ISO time; IoT Hub's 0001-01-01 means never. */
export function ageOf(iso: string | undefined, now = Date.now()): string {
  if (!iso || iso.startsWith('0001-')) return 'never';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const s = Math.round(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** An age that stays current, with the exact time as a tooltip. */
export function Age({ iso }: { iso: string | undefined }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  return (
    <time dateTime={iso} title={iso}>
      {ageOf(iso)}
    </time>
  );
}

/** A connection-state dot with its word (colour is never the only signal). */
export function ConnectionBadge({ state }: { state: string | undefined }) {
  const connected = state === 'Connected';
  return (
    <span className={`badge ${connected ? 'badge-ok' : 'badge-muted'}`}>
      <span aria-hidden="true">{connected ? '●' : '○'}</span> {connected ? 'Connected' : 'Disconnected'}
    </span>
  );
}

/** Copies text to the clipboard and says so. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** The title row of a screen. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <div className="page-actions">{children}</div>
    </header>
  );
}

/** Pretty JSON for display. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <figure className="json-figure">
      <figcaption className="sr-only">{label}</figcaption>
      <pre className="json">{JSON.stringify(value, null, 2)}</pre>
    </figure>
  );
}
