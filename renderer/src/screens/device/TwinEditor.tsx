import type { TwinDocument } from '@outpost/core';
import { useId, useState } from 'react';
import { HubApiError } from '../../api/http';
import {
  applyMergePatch,
  diffLeaves,
  type JsonObject,
  type LeafChange,
  mergePatchBetween,
  parseSection,
  withoutSystemKeys,
} from '../../api/twins';
import { useSession } from '../../app/session';
import { ErrorNotice } from '../../components/ui';
import { TwinDiff } from './TwinDiff';

/** The twin sections an operator may edit. */
export type EditableSection = 'tags' | 'desired';

/** The section of a twin, without `$version`/`$metadata`. */
export function sectionOf(twin: TwinDocument, section: EditableSection): JsonObject {
  return withoutSystemKeys(section === 'tags' ? twin.tags : twin.properties.desired);
}

interface Base {
  etag: string;
  value: JsonObject;
}

type Step =
  | { kind: 'edit'; problems: string[] }
  | { kind: 'review'; changes: LeafChange[]; patch: JsonObject }
  | { kind: 'saving'; changes: LeafChange[]; patch: JsonObject };

/**
 * Edits tags or desired properties as JSON: check (JSON, an object, the twin key rules and limits),
 * review the leaf diff, then apply it as a merge patch with `If-Match` = the etag the edit started
 * from. When someone changed the twin meanwhile (412), "Reload and apply again" re-applies the same
 * patch on the current twin and shows the diff again.
 */
export function TwinEditor({
  twin,
  section,
  onDone,
}: {
  twin: TwinDocument;
  section: EditableSection;
  /** Called after a save (with the twin the hub answered) or a discard. */
  onDone(saved?: TwinDocument): void;
}) {
  const { client } = useSession();
  const [base, setBase] = useState<Base>(() => ({ etag: twin.etag, value: sectionOf(twin, section) }));
  const [text, setText] = useState(() => JSON.stringify(sectionOf(twin, section), null, 2));
  const [step, setStep] = useState<Step>({ kind: 'edit', problems: [] });
  const [error, setError] = useState<Error>();
  const [reloading, setReloading] = useState(false);
  const textId = useId();
  const problemsId = useId();
  const name = section === 'tags' ? 'tags' : 'desired properties';

  const review = () => {
    setError(undefined);
    const parsed = parseSection(text, section);
    if (!parsed.ok) {
      setStep({ kind: 'edit', problems: parsed.problems });
      return;
    }
    const changes = diffLeaves(base.value, parsed.value);
    if (changes.length === 0) {
      setStep({ kind: 'edit', problems: [`Nothing changed: the ${name} are as the twin holds them.`] });
      return;
    }
    setStep({ kind: 'review', changes, patch: mergePatchBetween(base.value, parsed.value) });
  };

  const apply = async (changes: LeafChange[], patch: JsonObject) => {
    setStep({ kind: 'saving', changes, patch });
    setError(undefined);
    try {
      const body = section === 'tags' ? { tags: patch } : { properties: { desired: patch } };
      const saved = await client.patch<TwinDocument>(`/twins/${encodeURIComponent(twin.deviceId)}`, body, {
        headers: { 'if-match': `"${base.etag}"` },
      });
      onDone(saved);
    } catch (err) {
      setError(err as Error);
      setStep({ kind: 'review', changes, patch });
    }
  };

  // 412: the twin changed since the edit began. The operator's change is a patch; put it on the
  // current twin and review again, so nothing someone else wrote is overwritten unseen.
  const reloadAndReapply = async (patch: JsonObject) => {
    setReloading(true);
    try {
      const latest = await client.get<TwinDocument>(`/twins/${encodeURIComponent(twin.deviceId)}`);
      const value = sectionOf(latest, section);
      const next = applyMergePatch(value, patch);
      setBase({ etag: latest.etag, value });
      setText(JSON.stringify(next, null, 2));
      setError(undefined);
      const changes = diffLeaves(value, next);
      setStep(
        changes.length
          ? { kind: 'review', changes, patch: mergePatchBetween(value, next) }
          : { kind: 'edit', problems: ['Your change is already in the twin: nothing to apply.'] },
      );
    } catch (err) {
      setError(err as Error);
    } finally {
      setReloading(false);
    }
  };

  const conflict = error instanceof HubApiError && error.status === 412;

  if (step.kind !== 'edit') {
    return (
      <div className="twin-editor">
        <TwinDiff changes={step.changes} section={name} />
        <ErrorNotice
          error={error}
          title={conflict ? 'The twin changed meanwhile' : 'The change was not applied'}
        />
        <div className="row">
          {conflict ? (
            <button type="button" disabled={reloading} onClick={() => void reloadAndReapply(step.patch)}>
              {reloading ? 'Reloading…' : 'Reload and apply again'}
            </button>
          ) : (
            <button
              type="button"
              disabled={step.kind === 'saving'}
              onClick={() => void apply(step.changes, step.patch)}
            >
              {step.kind === 'saving' ? 'Applying…' : 'Apply changes'}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => setStep({ kind: 'edit', problems: [] })}>
            Back to editing
          </button>
          <button type="button" className="secondary" onClick={() => onDone()}>
            Discard
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="twin-editor">
      <label htmlFor={textId}>Edit {name} (JSON)</label>
      <textarea
        id={textId}
        className="twin-textarea"
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        aria-invalid={step.problems.length > 0 || undefined}
        aria-describedby={step.problems.length ? problemsId : undefined}
        rows={Math.min(18, Math.max(6, text.split('\n').length + 1))}
      />
      <p className="muted small">
        Remove a key to delete the property. Keys may not contain <code>.</code>, <code>$</code> or spaces.
      </p>
      {step.problems.length ? (
        <div id={problemsId} className="notice notice-error" role="alert">
          <strong>Not ready to apply:</strong>
          <ul>
            {step.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="row">
        <button type="button" onClick={review}>
          Review changes
        </button>
        <button type="button" className="secondary" onClick={() => onDone()}>
          Discard
        </button>
      </div>
    </div>
  );
}
