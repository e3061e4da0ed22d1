import type { TwinDocument } from '@outpost/core';
import { useId, useState } from 'react';
import { isObject } from '../../api/twins';
import { Notice } from '../../components/ui';
import { type EditableSection, TwinEditor } from './TwinEditor';
import { TwinSectionTable } from './TwinSectionTable';

/** What the device says about the last desired change it applied (the simulator's `configStatus`). */
function ConfigAck({ twin }: { twin: TwinDocument }) {
  const status = twin.properties.reported.configStatus;
  const desiredVersion = twin.properties.desired.$version;
  if (!isObject(status)) return null;
  const current = status.version === desiredVersion;
  return (
    <p className="small">
      Device acknowledgement:{' '}
      <span className={`badge ${status.status === 'applied' ? 'badge-ok' : 'badge-bad'}`}>
        {String(status.status)}
      </span>{' '}
      for desired version {String(status.version)}
      {current ? ' (current)' : ` (desired is at version ${String(desiredVersion)}; waiting for the device)`}
      {typeof status.message === 'string' ? `: ${status.message}` : ''}
    </p>
  );
}

/**
 * The twin: tags and desired properties (editable as JSON by operators, with a diff before saving)
 * and reported properties (read-only), each leaf with the age of its last update.
 */
export function TwinCard({
  twin,
  canEdit,
  onSaved,
}: {
  twin: TwinDocument;
  canEdit: boolean;
  onSaved(twin: TwinDocument): void;
}) {
  const [editing, setEditing] = useState<EditableSection>();
  const [saved, setSaved] = useState<string>();
  const headingId = useId();

  const sectionBlock = (section: EditableSection, title: string) => (
    <div className="twin-section">
      <div className="twin-section-head">
        <h3>{title}</h3>
        {canEdit && editing === undefined ? (
          <button
            type="button"
            className="secondary small-button"
            onClick={() => {
              setSaved(undefined);
              setEditing(section);
            }}
          >
            Edit {section === 'tags' ? 'tags' : 'desired'}
          </button>
        ) : null}
      </div>
      {editing === section ? (
        <TwinEditor
          twin={twin}
          section={section}
          onDone={(result) => {
            setEditing(undefined);
            if (result) {
              setSaved(
                section === 'tags'
                  ? 'Tags saved.'
                  : `Desired properties saved (version ${String(result.properties.desired.$version)}). The device applies them when it is connected.`,
              );
              onSaved(result);
            }
          }}
        />
      ) : (
        <TwinSectionTable
          label={title}
          section={section === 'tags' ? twin.tags : twin.properties.desired}
          showAges={section === 'desired'}
        />
      )}
      {section === 'desired' ? <ConfigAck twin={twin} /> : null}
    </div>
  );

  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="twin-head">
        <h2 id={headingId}>Twin</h2>
        <span className="muted small">
          version {twin.version} · etag <code>{twin.etag}</code>
        </span>
      </div>
      {saved ? <Notice kind="success">{saved}</Notice> : null}
      <div className="twin-grid">
        {sectionBlock('tags', 'Tags')}
        {sectionBlock('desired', 'Desired properties')}
        <div className="twin-section">
          <div className="twin-section-head">
            <h3>Reported properties</h3>
            <span className="muted small">
              read-only · version {String(twin.properties.reported.$version)}
            </span>
          </div>
          <TwinSectionTable label="Reported properties" section={twin.properties.reported} showAges />
        </div>
      </div>
    </section>
  );
}
