/** Operator accounts (`/api/v1/users`, admins only). */
import type { Role, UserView } from '@outpost/core';
import type { HubClient } from './http';

const path = (name: string) => `/api/v1/users/${encodeURIComponent(name)}`;

/** Every account. */
export function listUsers(client: HubClient, signal?: AbortSignal) {
  return client.get<UserView[]>('/api/v1/users', undefined, signal);
}

/** Creates an account with an initial password. */
export function createUser(client: HubClient, input: { name: string; role: Role; password: string }) {
  return client.post<UserView>('/api/v1/users', input);
}

/** Changes a role (the hub refuses to demote the last admin: LastAdmin). */
export function setUserRole(client: HubClient, name: string, role: Role) {
  return client.patch<UserView>(path(name), { role });
}

/** Sets another user's password (their sessions end). */
export function resetUserPassword(client: HubClient, name: string, password: string) {
  return client.put<void>(`${path(name)}/password`, { password });
}

/** Deletes an account (never the last admin). */
export function deleteUser(client: HubClient, name: string) {
  return client.del(path(name));
}

/** A random password of 16 characters from an alphabet without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
