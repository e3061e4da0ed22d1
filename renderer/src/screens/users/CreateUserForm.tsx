import type { Role } from '@outpost/core';
import { type FormEvent, useState } from 'react';
import { createUser, generatePassword } from '../../api/users';
import { useSession } from '../../app/session';
import { ErrorNotice, Notice } from '../../components/ui';
import { ROLE_INFO } from './roles';

/** Creates an account; the initial password is shown once so it can be handed over. */
export function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [reveal, setReveal] = useState(false);
  const [error, setError] = useState<Error>();
  const [created, setCreated] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setCreated(undefined);
    try {
      const user = await createUser(client, { name: name.trim(), role, password });
      setCreated(`${user.name} can sign in now as ${user.role}. Hand over the initial password safely.`);
      setName('');
      setPassword('');
      setReveal(false);
      onCreated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">Create a user</h2>
      <form onSubmit={(e) => void submit(e)} aria-label="Create a user" className="usr-create">
        <label>
          User name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={64}
            pattern="[A-Za-z0-9][A-Za-z0-9._@\-]*"
            title="Letters, digits and ._@- characters, starting with a letter or digit"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLE_INFO.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial password
          <input
            type={reveal ? 'text' : 'password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={8}
            maxLength={1024}
            autoComplete="new-password"
          />
        </label>
        <div className="row usr-create-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setPassword(generatePassword());
              setReveal(true);
            }}
          >
            Generate a password
          </button>
          <label className="usr-check">
            <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} />
            Show password
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
      <p className="muted small">
        At least 8 characters. The user signs in with it; an admin can reset it later.
      </p>
      <ErrorNotice error={error} title="The user was not created" />
      {created ? <Notice kind="success">{created}</Notice> : null}
    </section>
  );
}
