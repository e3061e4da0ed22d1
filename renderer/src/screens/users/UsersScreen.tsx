import { useHubEvents } from '../../api/events';
import { useApi } from '../../api/use-api';
import { listUsers } from '../../api/users';
import { useSession } from '../../app/session';
import { ErrorNotice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { CreateUserForm } from './CreateUserForm';
import { ROLE_INFO } from './roles';
import { UserRow } from './UserRow';
import './users.css';

/** Users and roles (admins only): the accounts, their roles, password resets and deletes. */
export function UsersScreen(_props: ScreenProps) {
  // Only admins reach this screen (registry.ts); the hub refuses the list to anyone else anyway.
  const { client } = useSession();
  const users = useApi((signal) => listUsers(client, signal), [client]);
  // Another admin's change (or the CLI's) shows up without a reload.
  useHubEvents((event) => {
    if (event.type.startsWith('user')) users.reload();
  });
  const list = [...(users.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="usr">
      <PageHeader title="Users and roles" />
      <div className="usr-layout">
        <section className="card" aria-labelledby="users-heading">
          <h2 id="users-heading">Operator accounts</h2>
          <ErrorNotice error={users.error} title="The accounts could not be read" />
          {users.data ? (
            <table aria-labelledby="users-heading">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Password set</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => (
                  <UserRow key={u.name} user={u} onChanged={users.reload} />
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </section>
        <div>
          <CreateUserForm onCreated={users.reload} />
          <section className="card" aria-labelledby="roles-heading">
            <h2 id="roles-heading">Roles</h2>
            <dl className="usr-roles">
              {ROLE_INFO.map((r) => (
                <div key={r.role}>
                  <dt>{r.role}</dt>
                  <dd>{r.does}</dd>
                </div>
              ))}
            </dl>
            <p className="muted small">
              The hub keeps at least one admin. Role changes apply at the next request.
            </p>
          </section>
        </div>
      </div>
    </div>
  );
}
