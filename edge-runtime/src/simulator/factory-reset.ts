/** The factory-reset pattern: answer 200, report progress, return reported properties to the defaults. */
import type { MethodHandler } from './method-dispatch';
import type { JsonObject } from './twin-client';

/** What the factory reset needs from the device. */
export interface FactoryResetContext {
  report(patch: JsonObject): Promise<unknown>;
  /** Resets the device's settings and returns the reported patch: defaults, everything else `null`. */
  resetToDefaults(): JsonObject;
  now(): number;
  /** How long the device "works" between `resetting` and the reset itself. */
  durationMs: number;
}

/** The reported member that carries the progress; it survives the reset so the invoker can follow it. */
export const FACTORY_RESET_STATUS = 'factoryResetStatus';

/**
 * `factoryReset`: `factoryResetStatus: {status:'resetting', startedAt}` → reported back to defaults
 * (other members removed with `null`) → `factoryResetStatus: {status:'done', startedAt, finishedAt}`.
 * Desired settings are not re-applied until the next desired patch or reboot, as a wiped device would.
 */
export function createFactoryResetHandler(ctx: FactoryResetContext): MethodHandler {
  return () => {
    const startedAt = new Date(ctx.now()).toISOString();
    return {
      status: 200,
      payload: { status: 'resetting', startedAt },
      after: async () => {
        await ctx.report({ [FACTORY_RESET_STATUS]: { status: 'resetting', startedAt, finishedAt: null } });
        await new Promise((resolve) => setTimeout(resolve, ctx.durationMs));
        await ctx.report(ctx.resetToDefaults());
        const finishedAt = new Date(ctx.now()).toISOString();
        await ctx.report({ [FACTORY_RESET_STATUS]: { status: 'done', startedAt, finishedAt } });
      },
    };
  };
}
