import type { IssuedSession } from '@outpost/core';
import { type FormEvent, useState } from 'react';
import { HubApiError } from '../../api/http';
import { useSession } from '../../app/session';
import { Age, ErrorNotice, InputProblem, Notice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';

/**
 * The signed-in operator's own account: who they are, until when, and a password change. Every
 * role may change its own password; the hub ends all of the user's sessions and issues this one a
 * fresh token, which the app takes over, so the user stays signed in here.
 */
export function AccountScreen(_props: ScreenProps) {
  const session = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat !== '' && next !== repeat;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      const issued = await session.client.put<IssuedSession>(
        `/api/v1/users/${encodeURIComponent(session.user.name)}/password`,
        { currentPassword: current, password: next },
      );
      session.adopt(issued);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Your account" />
      <section className="card" aria-labelledby="account-who">
        <h2 id="account-who">Signed in</h2>
        <p>
          <strong>{session.user.name}</strong>, role <strong>{session.user.role}</strong>. This session ends{' '}
          {new Date(session.expiresAt).toLocaleString()} (<Age iso={session.expiresAt} />
          ).
        </p>
      </section>
      <section className="card" aria-labelledby="account-password">
        <h2 id="account-password">Change your password</h2>
        <form onSubmit={submit} className="account-form">
          <label>
            Current password
            <input
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              required
            />
          </label>
          <label>
            New password
            <input
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
              minLength={8}
              required
            />
          </label>
          <label>
            New password again
            <input
              type="password"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
              aria-invalid={mismatch}
              required
            />
          </label>
          <InputProblem>
            {mismatch ? 'The two new passwords differ: type the same one twice.' : null}
          </InputProblem>
          <ErrorNotice
            error={error}
            title="The password was not changed"
            hint={
              error instanceof HubApiError && error.status === 403
                ? 'Type your current password again (the one you signed in with).'
                : undefined
            }
          />
          {done ? (
            <Notice kind="success">
              Your password was changed. Your other sessions ended; this one goes on.
            </Notice>
          ) : null}
          <button type="submit" disabled={busy || mismatch}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </section>
    </>
  );
}
