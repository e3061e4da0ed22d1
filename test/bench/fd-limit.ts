import { spawn, spawnSync } from 'node:child_process';

/** The soft and hard open-file limits of this shell (`ulimit -Sn`, `-Hn`). */
export function fdLimits(): { soft: number; hard: number } {
  const out = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  const parse = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: parse(out[0]), hard: parse(out[1]) };
}

/**
 * Re-runs this process under `sh -c 'ulimit -n N; exec …'` (10k sockets need more descriptors than
 * the default); `raisedEnv` is set in the child so it does not try again. Resolves with its exit code.
 */
export function rerunWithLimit(limit: number, raisedEnv: string): Promise<number> {
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(
    'sh',
    ['-c', 'ulimit -n "$1" || exit 97; shift; exec "$@"', 'sh', String(limit), process.execPath, ...args],
    { stdio: 'inherit', env: { ...process.env, [raisedEnv]: '1' } },
  );
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
