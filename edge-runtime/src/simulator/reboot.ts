/** The reboot pattern: answer 200 at once, report progress, go offline, come back, report the result. */
import type { MethodHandler } from './method-dispatch';
import { isObject, type JsonObject } from './twin-client';

/** What the reboot needs from the device. */
export interface RebootContext {
  report(patch: JsonObject): Promise<unknown>;
  /** Disconnects, stays offline for `downtimeMs`, then boots again (new twin GET and subscriptions). */
  restart(downtimeMs: number): Promise<void>;
  now(): number;
  /** Offline time when the request has no `delay`. */
  defaultDowntimeMs: number;
}

// A request may ask for a longer outage, but not for one that outlives a test run or a demo.
const MAX_DELAY_SECONDS = 3600;

/**
 * `reboot` with an optional payload `{ "delay": seconds }`. Progress in reported properties:
 * `rebootStatus: {status:'rebooting', startedAt}` → offline → `lastReboot` and `rebootStatus: {status:'done', …}`.
 */
export function createRebootHandler(ctx: RebootContext): MethodHandler {
  return (payload) => {
    const delay = isObject(payload) ? payload.delay : undefined;
    if (delay !== undefined && (typeof delay !== 'number' || delay < 0 || delay > MAX_DELAY_SECONDS)) {
      return { status: 400, payload: { message: `delay must be 0 to ${MAX_DELAY_SECONDS} seconds.` } };
    }
    const downtimeMs = typeof delay === 'number' ? delay * 1000 : ctx.defaultDowntimeMs;
    const startedAt = new Date(ctx.now()).toISOString();
    return {
      // The answer goes out before the device drops off, as a real device must do: after the
      // disconnect nobody would be left to answer and the invoker would see a timeout.
      status: 200,
      payload: { status: 'rebooting', startedAt, downtimeSeconds: downtimeMs / 1000 },
      after: async () => {
        await ctx.report({ rebootStatus: { status: 'rebooting', startedAt, finishedAt: null } });
        await ctx.restart(downtimeMs);
        const finishedAt = new Date(ctx.now()).toISOString();
        await ctx.report({ lastReboot: finishedAt, rebootStatus: { status: 'done', startedAt, finishedAt } });
      },
    };
  };
}
