import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** How a failed SDK call looked to the SDK's caller (written by compat-child.ts). */
export interface CompatError {
  name: string;
  message: string;
  /** `err.response.statusCode`, when the SDK attached the HTTP response. */
  statusCode?: number;
  /** `err.responseBody`: the raw body string. */
  responseBody?: string;
  /** `err.code` (socket and TLS errors such as UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  code?: string;
}

/** One JSON line printed by a compat client: the result of one scripted step. */
export interface CompatStep {
  step: string;
  ok: boolean;
  result?: unknown;
  error?: CompatError;
}

/** Everything a compat client run produced. */
export interface CompatRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  steps: CompatStep[];
  stdout: string;
  stderr: string;
  /** The step named `name`; throws (with the child's output) when the client never printed it. */
  step(name: string): CompatStep;
  /** The result of a step that must have succeeded; throws with the error otherwise. */
  ok<T = unknown>(name: string): T;
  /** The error of a step that must have failed; throws with the result otherwise. */
  failed(name: string): CompatError;
}

/** Options of {@link runCompatClient}. */
export interface RunCompatOptions {
  /** Extra environment for the child, merged over this process's; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Arguments after the script path. */
  args?: string[];
  /** Kill the child (SIGKILL) after this long; generous, because the SDKs are slow to load. Default 120 s. */
  timeoutMs?: number;
}

/** The marker key of the JSON lines written by compat-child.ts; other stdout lines are ignored. */
export const STEP_MARKER = 'compatStep';

/** Parses the step lines out of a client's stdout. */
export function parseStepLines(stdout: string): CompatStep[] {
  const steps: CompatStep[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (parsed && typeof parsed === 'object' && STEP_MARKER in parsed) {
      const { [STEP_MARKER]: step, ...rest } = parsed as Record<string, unknown>;
      steps.push({ step: String(step), ...(rest as Omit<CompatStep, 'step'>) });
    }
  }
  return steps;
}

/**
 * Runs `node --import tsx <script>` (path relative to the repository root) and resolves when it exits
 * or is killed at the timeout. It never rejects for a failing client: the test asserts on the steps,
 * and the lookups throw with the child's stderr so a failure explains itself.
 */
export function runCompatClient(script: string, options: RunCompatOptions = {}): Promise<CompatRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, script), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 120_000);
  return new Promise((resolve) => {
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve(makeRun({ code, signal, timedOut, stdout, stderr, steps: parseStepLines(stdout) }));
    };
    child.once('close', settle);
    // A child that could not be spawned emits 'error' and may never emit 'close'.
    child.once('error', (err) => {
      stderr += `\nspawn failed: ${err.message}`;
      child.off('close', settle);
      settle(null, null);
    });
  });
}

function makeRun(base: Omit<CompatRun, 'step' | 'ok' | 'failed'>): CompatRun {
  const explain = (why: string) =>
    new Error(
      `${why} (exit ${base.code}${base.signal ? `, ${base.signal}` : ''}${base.timedOut ? ', timed out' : ''})\n` +
        `steps: ${base.steps.map((s) => `${s.step}:${s.ok ? 'ok' : s.error?.name}`).join(' ')}\n` +
        `stderr: ${base.stderr.slice(-4000)}`,
    );
  const step = (name: string): CompatStep => {
    const found = base.steps.find((s) => s.step === name);
    if (!found) throw explain(`the client printed no step "${name}"`);
    return found;
  };
  return {
    ...base,
    step,
    ok<T>(name: string): T {
      const s = step(name);
      if (!s.ok) throw explain(`step "${name}" failed: ${JSON.stringify(s.error)}`);
      return s.result as T;
    },
    failed(name: string): CompatError {
      const s = step(name);
      if (s.ok || !s.error)
        throw explain(`step "${name}" succeeded unexpectedly: ${JSON.stringify(s.result)}`);
      return s.error;
    },
  };
}
