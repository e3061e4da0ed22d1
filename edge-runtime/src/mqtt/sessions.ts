import { identityKey } from '@outpost/core';
import type { Client } from 'aedes';
import type { AuthenticatedIdentity } from './authenticate';
import type { TransportKind } from './transport';

/** One authenticated connection. */
export interface Session extends AuthenticatedIdentity {
  /** `device` or `device/module`. */
  key: string;
  transport: TransportKind;
  /** The CONNECT's clean-session flag; the SDK always sends 0 (§1.1). */
  clean: boolean;
  /** Closes the connection when its SAS token expires, as IoT Hub does. */
  expiryTimer?: NodeJS.Timeout;
}

/** The gateway's live connections: by client, and by identity once CONNACK went out. */
export interface SessionRegistry {
  /** Remembers the session of a client that passed authentication. */
  bind(client: Client, session: Omit<Session, 'key'>): Session;
  session(client: Client): Session | undefined;
  /** The client is ready (CONNACK sent); true when it is its identity's only ready connection. */
  markReady(client: Client): boolean;
  /** Forgets a client; `last` is true when its identity has no ready connection left. */
  remove(client: Client): { session: Session; last: boolean } | undefined;
  /** The ready clients of an identity. */
  clients(deviceId: string, moduleId?: string): Client[];
  /** Every authenticated client (ready or not) with its session. */
  entries(): [Client, Session][];
  /** Number of authenticated, not yet closed connections. */
  size(): number;
}

/** Creates an empty registry. */
export function createSessionRegistry(): SessionRegistry {
  const sessions = new Map<Client, Session>();
  const ready = new Map<string, Set<Client>>();
  return {
    bind(client, fields) {
      const session: Session = { ...fields, key: identityKey(fields.deviceId, fields.moduleId) };
      sessions.set(client, session);
      return session;
    },
    session: (client) => sessions.get(client),
    markReady(client) {
      const session = sessions.get(client);
      if (!session) return false;
      let set = ready.get(session.key);
      if (!set) {
        set = new Set();
        ready.set(session.key, set);
      }
      set.add(client);
      return set.size === 1;
    },
    remove(client) {
      const session = sessions.get(client);
      if (!session) return undefined;
      sessions.delete(client);
      if (session.expiryTimer) clearTimeout(session.expiryTimer);
      const set = ready.get(session.key);
      const wasReady = set?.delete(client) ?? false;
      if (set && set.size === 0) ready.delete(session.key);
      return { session, last: wasReady && !ready.has(session.key) };
    },
    clients: (deviceId, moduleId) => [...(ready.get(identityKey(deviceId, moduleId)) ?? [])],
    entries: () => [...sessions.entries()],
    size: () => sessions.size,
  };
}
