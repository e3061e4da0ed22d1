import type { Logger } from '@outpost/core';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A log level, least to most severe. */
export type LogLevel = (typeof LEVELS)[number];

/** A logger writing one JSON object per line (structured, greppable) to `write`, at or above `level`. */
export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = LEVELS.indexOf(level);
  const log =
    (lvl: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
