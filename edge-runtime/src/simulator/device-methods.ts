/** The direct methods a simulated device implements: `reboot` and `factoryReset`, one at a time. */
import { createFactoryResetHandler } from './factory-reset';
import { createMethodGate, type MethodHandler } from './method-dispatch';
import { createRebootHandler } from './reboot';
import type { JsonObject } from './twin-client';

/** What the device's methods act on. */
export interface DeviceMethodsContext {
  report(patch: JsonObject): Promise<unknown>;
  restart(downtimeMs: number): Promise<void>;
  resetToDefaults(): JsonObject;
  now(): number;
  rebootDelayMs: number;
  factoryResetDurationMs: number;
}

/** The handler table by method name; a reboot and a factory reset never overlap (409 while busy). */
export function createDeviceMethods(ctx: DeviceMethodsContext): ReadonlyMap<string, MethodHandler> {
  const gate = createMethodGate();
  const reboot = createRebootHandler({ ...ctx, defaultDowntimeMs: ctx.rebootDelayMs });
  const factoryReset = createFactoryResetHandler({ ...ctx, durationMs: ctx.factoryResetDurationMs });
  return new Map([
    ['reboot', gate.exclusive('reboot', reboot)],
    ['factoryReset', gate.exclusive('factoryReset', factoryReset)],
  ]);
}
