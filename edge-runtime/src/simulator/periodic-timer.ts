/** A restartable periodic task, as the simulator runs telemetry and status reports. */

/** A periodic task; start() (re)arms it with a new period, stop() disarms it. */
export interface PeriodicTimer {
  /** Runs `tick` every `periodMs` (0 = never), the first time after `firstMs`. */
  start(periodMs: number, firstMs: number): void;
  stop(): void;
}

/**
 * Creates a timer whose ticks are skipped, not queued, while `isActive()` is false: a device that is
 * offline drops its samples rather than bursting them all at the hub when it comes back.
 */
export function createPeriodicTimer(
  tick: () => Promise<unknown>,
  isActive: () => boolean,
  onError: (err: unknown) => void,
): PeriodicTimer {
  let timer: NodeJS.Timeout | undefined;
  const arm = (periodMs: number, delayMs: number) => {
    timer = setTimeout(() => {
      if (isActive()) tick().catch(onError);
      arm(periodMs, periodMs);
    }, delayMs);
  };
  return {
    start(periodMs, firstMs) {
      clearTimeout(timer);
      timer = undefined;
      if (periodMs > 0) arm(periodMs, firstMs);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
