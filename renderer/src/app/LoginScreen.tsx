import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../components/ui';
import { useSessionContext } from './session';

/** Sign-in with an operator account (the first admin's password is printed by `outpost start`). */
export function LoginScreen() {
  const { login, ended, autoSigningIn } = useSessionContext();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(username, password);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  if (autoSigningIn) return <main className="login">Signing in to the embedded hub…</main>;
  return (
    <main className="login">
      <form onSubmit={submit} className="card login-card" aria-labelledby="login-title">
        <h1 id="login-title">Outpost</h1>
        <p className="muted">Sign in to this hub.</p>
        {ended ? <div className="notice notice-info">{ended}</div> : null}
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorNotice error={error} title="Sign-in failed" />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The first admin's password was printed once by <code>outpost start</code>; an admin can reset it
          with <code>outpost user passwd admin</code>.
        </p>
      </form>
    </main>
  );
}
