/** Structured logging port. Fields must never carry secrets (keys, tokens, passwords). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests, embedded use without logging). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
