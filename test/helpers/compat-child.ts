/**
 * The child side of the compat runner: a client script runs SDK calls through {@link step}, which
 * prints one JSON line per call for {@link runCompatClient} (compat-runner.ts) to parse.
 * It and compat-runner.ts import only Node built-ins, so the SDK under test is the only package loaded.
 */
import { type CompatError, STEP_MARKER } from './compat-runner';

/** Prints a step line. */
export function emit(name: string, line: { ok: boolean; result?: unknown; error?: CompatError }): void {
  process.stdout.write(`${JSON.stringify({ [STEP_MARKER]: name, ...line })}\n`);
}

/** What the test gets to see of an SDK error: its class name, message and the HTTP answer. */
export function describeError(err: unknown): CompatError {
  if (!(err instanceof Error)) return { name: typeof err, message: String(err) };
  const e = err as Error & { response?: { statusCode?: number }; responseBody?: unknown; code?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(typeof e.response?.statusCode === 'number' ? { statusCode: e.response.statusCode } : {}),
    ...(e.responseBody !== undefined ? { responseBody: String(e.responseBody) } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
  };
}

/**
 * Runs one SDK call and prints its outcome: `pick(result)` on success, the error otherwise.
 * Resolves with the result, or undefined when the call failed, so the script carries on.
 */
export async function step<T>(
  name: string,
  call: () => Promise<T>,
  pick: (result: T) => unknown = (r) => r,
): Promise<T | undefined> {
  try {
    const result = await call();
    emit(name, { ok: true, result: pick(result) });
    return result;
  } catch (err) {
    emit(name, { ok: false, error: describeError(err) });
    return undefined;
  }
}

/** A required environment variable; the client exits with an explanation when it is missing. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`missing environment variable ${name}\n`);
    process.exit(2);
  }
  return value;
}

/**
 * Ends the client: prints a final `done` step and exits. Explicit, because the SDK's keep-alive
 * agent would hold the process open until the server drops the idle socket.
 */
export function finish(): void {
  emit('done', { ok: true });
  process.stdout.write('', () => process.exit(0));
}
