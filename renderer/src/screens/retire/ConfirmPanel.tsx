import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ui';

/**
 * The confirmation of a destructive step, in place: what will happen, optionally the device id to
 * type, then the step. Focus moves to it, so keyboard and screen-reader users land on the question.
 */
export function ConfirmPanel(props: {
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<void>;
  onCancel(): void;
  /** The text the operator must type to enable the step (the device id for a delete). */
  typeToConfirm?: string;
  errorTitle: string;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => ref.current?.focus(), []);
  const blocked = props.typeToConfirm !== undefined && typed !== props.typeToConfirm;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <div ref={ref} tabIndex={-1} role="alertdialog" aria-labelledby={`${id}-text`} className="ret-confirm">
      <div id={`${id}-text`}>{props.children}</div>
      {props.typeToConfirm !== undefined ? (
        <div className="ops-field">
          <label htmlFor={`${id}-typed`}>Type {props.typeToConfirm} to confirm</label>
          <input
            id={`${id}-typed`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      ) : null}
      <ErrorNotice error={error} title={props.errorTitle} />
      <div className="ops-actions">
        <button type="button" className="danger" onClick={() => void confirm()} disabled={busy || blocked}>
          {busy ? 'Working…' : props.confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel} disabled={busy}>
          Back
        </button>
      </div>
    </div>
  );
}
