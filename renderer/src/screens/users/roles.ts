import type { Role } from '@outpost/core';

/** The roles, weakest first, with what each may do. */
export const ROLE_INFO: readonly { role: Role; does: string }[] = [
  { role: 'viewer', does: 'reads the fleet, twins, jobs, audit and hub facts; changes nothing' },
  { role: 'operator', does: 'also provisions, configures, reboots, retires devices and edits alert rules' },
  { role: 'admin', does: 'also manages operator accounts and their roles' },
];
