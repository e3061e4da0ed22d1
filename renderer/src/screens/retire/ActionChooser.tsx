/** The retire steps an operator can choose. */
export type RetireAction = 'disable' | 'keys' | 'replace' | 'delete';

const ACTIONS: { action: RetireAction; label: string; what: string }[] = [
  { action: 'disable', label: 'Disable', what: 'Refuse its connections; keep everything. Reversible.' },
  { action: 'keys', label: 'Rotate or revoke keys', what: 'Make its current credentials stop working.' },
  { action: 'replace', label: 'Replace', what: 'A new device takes over its tags and desired properties.' },
  {
    action: 'delete',
    label: 'Delete and archive',
    what: 'Remove it; its twin and tags stay in the archive.',
  },
];

/** Four toggle buttons, one per step (aria-pressed says which is open). */
export function ActionChooser({
  current,
  onChoose,
}: {
  current: RetireAction | undefined;
  onChoose(action: RetireAction): void;
}) {
  return (
    <fieldset className="ret-actions">
      <legend className="sr-only">What to do</legend>
      {ACTIONS.map((a) => (
        <button
          key={a.action}
          type="button"
          className={`ret-action ${a.action === 'delete' ? 'ret-action-danger' : ''}`}
          aria-pressed={current === a.action}
          aria-label={a.label}
          onClick={() => onChoose(a.action)}
          aria-describedby={`ret-action-${a.action}`}
        >
          <span className="ret-action-label">{a.label}</span>
          <span id={`ret-action-${a.action}`} className="ret-action-what">
            {a.what}
          </span>
        </button>
      ))}
    </fieldset>
  );
}
