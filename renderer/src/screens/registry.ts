import type { Role } from '@outpost/core';
import type { ComponentType } from 'react';
import type { Route } from '../app/router';
import { AccountScreen } from './account/AccountScreen';
import { AuditScreen } from './audit/AuditScreen';
import { ConfigureScreen } from './configure/ConfigureScreen';
import { DeviceScreen } from './device/DeviceScreen';
import { FleetScreen } from './fleet/FleetScreen';
import { HubScreen } from './hub/HubScreen';
import { MonitorScreen } from './monitor/MonitorScreen';
import { ProvisionScreen } from './provision/ProvisionScreen';
import { RetireScreen } from './retire/RetireScreen';
import { UsersScreen } from './users/UsersScreen';

/** What a screen gets: the route below its own segment (e.g. the device id of `#/devices/<id>`). */
export interface ScreenProps {
  route: Route;
}

/** One screen of the app: its route segment, its nav label, and the weakest role that sees it. */
export interface ScreenEntry {
  path: string;
  label: string;
  component: ComponentType<ScreenProps>;
  minRole: Role;
  /** Screens reached by links only (a device) are not in the navigation. */
  inNav: boolean;
}

/** The screens, in the order of the device lifecycle. */
export const SCREENS: readonly ScreenEntry[] = [
  { path: 'fleet', label: 'Fleet', component: FleetScreen, minRole: 'viewer', inNav: true },
  { path: 'devices', label: 'Device', component: DeviceScreen, minRole: 'viewer', inNav: false },
  { path: 'provision', label: 'Provision', component: ProvisionScreen, minRole: 'operator', inNav: true },
  { path: 'configure', label: 'Configure', component: ConfigureScreen, minRole: 'viewer', inNav: true },
  { path: 'monitor', label: 'Monitor', component: MonitorScreen, minRole: 'viewer', inNav: true },
  { path: 'retire', label: 'Retire', component: RetireScreen, minRole: 'operator', inNav: true },
  { path: 'audit', label: 'Audit', component: AuditScreen, minRole: 'viewer', inNav: true },
  { path: 'users', label: 'Users and roles', component: UsersScreen, minRole: 'admin', inNav: true },
  { path: 'hub', label: 'Hub', component: HubScreen, minRole: 'viewer', inNav: true },
  // Reached from the user's name at the foot of the navigation.
  { path: 'account', label: 'Your account', component: AccountScreen, minRole: 'viewer', inNav: false },
];
