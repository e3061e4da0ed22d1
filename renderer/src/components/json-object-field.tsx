import './ops-forms.css';
import { useId } from 'react';

/** The outcome of reading a JSON-object text box: the object, nothing (empty box), or what is wrong. */
export type JsonObjectResult =
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; error: string };

/** Reads `text` as a JSON object; an empty text is "nothing" unless `required`. */
export function parseJsonObject(text: string, required = false): JsonObjectResult {
  if (text.trim() === '')
    return required
      ? { ok: false, error: 'Enter a JSON object, e.g. {"a": 1}.' }
      : { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'Enter a JSON object in braces, e.g. {"site": "lisbon"}.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * A labelled text box for a JSON object, with a hint and its parse error in place (announced, and
 * tied to the box with aria-describedby / aria-invalid).
 */
export function JsonObjectField(props: {
  label: string;
  value: string;
  onChange(text: string): void;
  hint?: string;
  error?: string | undefined;
  rows?: number;
  disabled?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className="ops-field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        rows={props.rows ?? 4}
        spellCheck={false}
        disabled={props.disabled}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className="ops-json"
      />
      {props.hint ? (
        <div id={hintId} className="ops-hint">
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div id={errorId} className="ops-field-error" role="alert">
          {props.error}
        </div>
      ) : null}
    </div>
  );
}
