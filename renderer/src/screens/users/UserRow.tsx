import type { Role, UserView } from '@outpost/core';
import { type FormEvent, useEffect, useState } from 'react';
import { deleteUser, generatePassword, resetUserPassword, setUserRole } from '../../api/users';
import { useSession } from '../../app/session';
import { Age, ErrorNotice, Notice } from '../../components/ui';
import { ROLE_INFO } from './roles';

type Mode = 'idle' | 'password' | 'delete';

/** One account: its role (changeable), password reset and delete, each error shown in the row. */
export function UserRow({ user, onChanged }: { user: UserView; onChanged: () => void }) {
  const session = useSession();
  const { client } = session;
  const self = user.name === session.user.name;
  const [role, setRole] = useState<Role>(user.role);
  const [mode, setMode] = useState<Mode>('idle');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  // After a save (or someone else's change, on reload) the select shows the stored role.
  useEffect(() => setRole(user.role), [user.role]);

  const run = async (what: () => Promise<unknown>, success: string) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await what();
      setDone(success);
      setMode('idle');
      setPassword('');
      onChanged();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = (e: FormEvent) => {
    e.preventDefault();
    // Your own new role applies at once: the navigation and the screens follow it.
    void run(
      () => setUserRole(client, user.name, role).then(() => (self ? session.refresh() : undefined)),
      `${user.name} is now ${role}.`,
    );
  };

  return (
    <tr>
      <th scope="row" className="usr-name">
        {user.name}
        {self ? <span className="badge badge-muted usr-you">you</span> : null}
      </th>
      <td>
        <form className="row usr-role" onSubmit={changeRole} aria-label={`Change the role of ${user.name}`}>
          <select
            aria-label={`Role of ${user.name}`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            {ROLE_INFO.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}
              </option>
            ))}
          </select>
          {role !== user.role ? (
            <button type="submit" disabled={busy}>
              Save role <span className="sr-only">of {user.name}</span>
            </button>
          ) : null}
        </form>
      </td>
      <td>
        <Age iso={user.createdAt} />
        <div className="muted small">by {user.createdBy.id}</div>
      </td>
      <td>
        {user.passwordChangedAt ? (
          <Age iso={user.passwordChangedAt} />
        ) : (
          <span className="muted">initial</span>
        )}
      </td>
      <td className="usr-actions">
        {mode === 'idle' && !self ? (
          <div className="row">
            <button type="button" className="secondary" onClick={() => setMode('password')}>
              Reset password… <span className="sr-only">of {user.name}</span>
            </button>
            <button type="button" className="secondary" onClick={() => setMode('delete')}>
              Delete… <span className="sr-only">user {user.name}</span>
            </button>
          </div>
        ) : null}
        {self && mode === 'idle' ? (
          <span className="muted small">
            Change your own password under <a href="#/account">Your account</a>.
          </span>
        ) : null}
        {mode === 'password' ? (
          <form
            className="usr-inline"
            aria-label={`Reset the password of ${user.name}`}
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                () => resetUserPassword(client, user.name, password),
                `${user.name}'s password was reset; their sessions ended.`,
              );
            }}
          >
            <label>
              New password for {user.name}
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                minLength={8}
                required
                autoComplete="off"
                spellCheck={false}
              />
            </label>
            <div className="row">
              <button type="button" className="secondary" onClick={() => setPassword(generatePassword())}>
                Generate
              </button>
              <button type="submit" disabled={busy}>
                Set password
              </button>
              <button type="button" className="secondary" onClick={() => setMode('idle')}>
                Back
              </button>
            </div>
          </form>
        ) : null}
        {mode === 'delete' ? (
          <fieldset className="usr-inline usr-confirm">
            <legend className="sr-only">Delete {user.name}?</legend>
            <p>
              Delete <strong>{user.name}</strong>? Their sessions end at once. The audit trail keeps what they
              did.
            </p>
            <div className="row">
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void run(() => deleteUser(client, user.name), `${user.name} was deleted.`)}
              >
                Delete {user.name}
              </button>
              <button type="button" className="secondary" onClick={() => setMode('idle')}>
                Keep
              </button>
            </div>
          </fieldset>
        ) : null}
        <ErrorNotice error={error} title={`${user.name} was not changed`} />
        {done ? <Notice kind="success">{done}</Notice> : null}
      </td>
    </tr>
  );
}
