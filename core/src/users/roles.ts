import { HubError } from '../errors';
import type { Role } from './user-store';

/** The roles, weakest first: each role may do everything the ones before it may. */
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `role` is `min` or stronger. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** The role in `value`, or an INVALID_ARGUMENT error naming the allowed ones. */
export function parseRole(value: unknown): Role {
  if (!isRole(value)) {
    throw new HubError('INVALID_ARGUMENT', `role must be one of ${ROLES.join(', ')}.`);
  }
  return value;
}
