import type { IssuedSession, Role } from '@outpost/core';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { createHubClient, type HubApiError, type HubClient } from '../api/http';
import { desktopBridge } from './desktop-bridge';

const STORAGE_KEY = 'outpost.session';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The signed-in operator and the client that calls the hub as them. */
export interface SessionState {
  user: { name: string; role: Role };
  expiresAt: string;
  client: HubClient;
  /** True when the signed-in role is at least `role`: what a role cannot do is not offered. */
  can(role: Role): boolean;
  logout(): Promise<void>;
  /** Takes over a session the hub issued in place of this one (after an own password change). */
  adopt(issued: IssuedSession): void;
  /** Asks the hub who this session is now: signs out if it ended, takes the current role if not. */
  refresh(): Promise<void>;
}

interface SessionContextValue {
  session: SessionState | undefined;
  /** Why the last session ended (expired, revoked), shown on the sign-in screen. */
  ended: string | undefined;
  login(username: string, password: string): Promise<void>;
  /** Set when the app tried to sign in by itself (desktop embedded mode) and is still at it. */
  autoSigningIn: boolean;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

interface Stored {
  token: string;
  expiresAt: string;
  user: { name: string; role: Role };
  hubUrl: string;
}

function readStored(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as Stored;
    return Date.parse(stored.expiresAt) > Date.now() ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Holds the operator session (in sessionStorage: gone with the tab, never in localStorage). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | undefined>(readStored);
  const [ended, setEnded] = useState<string>();
  const [autoSigningIn, setAutoSigningIn] = useState(() => !readStored() && !!desktopBridge());

  const save = useCallback((next: Stored | undefined, why?: string) => {
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
    setStored(next);
    setEnded(why);
  }, []);

  const issue = useCallback(
    async (hubUrl: string, body: unknown) => {
      const issued = await createHubClient(hubUrl).post<IssuedSession>('/api/v1/login', body);
      save({ token: issued.token, expiresAt: issued.expiresAt, user: issued.user, hubUrl });
    },
    [save],
  );

  // Desktop embedded mode: the app signs in with the one-time token its main process issued.
  useEffect(() => {
    const bridge = desktopBridge();
    if (!autoSigningIn || !bridge) return;
    bridge
      .embeddedSession()
      .then((s) => (s ? issue(s.hubUrl, { oneTimeToken: s.oneTimeToken }) : undefined))
      .catch((err: Error) => setEnded(`Automatic sign-in failed: ${err.message}`))
      .finally(() => setAutoSigningIn(false));
  }, [autoSigningIn, issue]);

  const value = useMemo<SessionContextValue>(() => {
    let session: SessionState | undefined;
    if (stored) {
      // A 401 is not always a lost session: IoT Hub routes answer a role that is too weak with 401
      // too (the SDK reads 403 as a quota error). So ask the hub who this token is: gone → sign out;
      // still valid → keep the session and take the role the hub has now (an admin may have changed
      // it). An answer for a token that is no longer ours (replaced meanwhile) changes nothing.
      const refresh = (why?: HubApiError) => {
        const current = () => readStored()?.token === stored.token;
        return createHubClient(stored.hubUrl, stored.token)
          .get<{ user: { name: string; role: Role }; expiresAt: string }>('/api/v1/session')
          .then(
            (now) => {
              if (current() && now.user.role !== stored.user.role) save({ ...stored, user: now.user });
            },
            (probe: HubApiError) => {
              if (current() && probe.status === 401) {
                save(undefined, `You were signed out: ${(why ?? probe).message}`);
              }
            },
          );
      };
      const onUnauthorized = (err: HubApiError) => void refresh(err);
      const client = createHubClient(stored.hubUrl, stored.token, onUnauthorized);
      session = {
        user: stored.user,
        expiresAt: stored.expiresAt,
        client,
        can: (role) => RANK[stored.user.role] >= RANK[role],
        logout: async () => {
          await client.post('/api/v1/logout').catch(() => {});
          save(undefined);
        },
        refresh: () => refresh(),
        adopt: (issued) =>
          save({
            token: issued.token,
            expiresAt: issued.expiresAt,
            user: issued.user,
            hubUrl: stored.hubUrl,
          }),
      };
    }
    return {
      session,
      ended,
      autoSigningIn,
      login: (username, password) => issue('', { username, password }),
    };
  }, [stored, ended, autoSigningIn, issue, save]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session context; only under {@link SessionProvider}. */
export function useSessionContext(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSessionContext outside SessionProvider');
  return ctx;
}

/** The signed-in session; screens are rendered only when there is one. */
export function useSession(): SessionState {
  const { session } = useSessionContext();
  if (!session) throw new Error('useSession without a session');
  return session;
}
