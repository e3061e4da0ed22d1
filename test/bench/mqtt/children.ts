/** Broker child processes (the hub, bare aedes) seen from the bench: spawn, IPC calls, CPU and /proc memory. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReady, ChildReply, ChildRequest } from './protocol';

const CHILD_ENTRY = fileURLToPath(new URL('./hub-child.ts', import.meta.url));

/** What a child reports about itself. */
export interface ChildStats {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  gateway?: Record<string, number>;
  /** GC pauses since start; `maxMsSinceStats` is the longest since the previous stats call. */
  gc: { count: number; totalMs: number; majorCount: number; majorMs: number; maxMsSinceStats: number };
  /** The hub's store checkpoints since start (each blocks the event loop while it encodes shards). */
  checkpoints?: { count: number; totalMs: number; maxMs: number };
  /** The hub's telemetry outbox counters (`appended`, `batches`: one write + fdatasync each). */
  outbox?: { appended: number; batches: number };
  devices?: number;
  connectedClients?: number;
}

/** A broker running in its own process, so its CPU time and RSS are its own. */
export interface BrokerChild {
  name: 'hub' | 'bare';
  info: ChildReady;
  /** Sends a command and resolves with the child's result. */
  call<T = unknown>(cmd: ChildRequest['cmd'], args?: Record<string, unknown>): Promise<T>;
  /** The child's counters; `gc` runs a full GC first (retained memory, not garbage). */
  stats(options?: { gc?: boolean }): Promise<ChildStats>;
  /** Starts a CPU profile when profiling is on; the returned function stops it and writes `{label}-{n}.cpuprofile`. */
  profile(label: string): Promise<() => Promise<void>>;
  /** VmRSS and VmHWM of the child from /proc, in MiB. */
  memory(): { rssMiB: number; peakRssMiB: number };
  /** Stops the broker, removes its data and waits for the process to exit. */
  close(): Promise<void>;
}

/** Options of {@link spawnBrokerChild}. */
export interface SpawnOptions {
  /** Write a V8 CPU profile of every measured phase of the child into this dir (`--cpu-prof`). */
  cpuProfileDir?: string;
  /** Diagnostic: the child's TCP/TLS servers disable Nagle (`OUTPOST_BENCH_SERVER_NODELAY=1`). */
  serverNoDelay?: boolean;
}

/** Starts `hub-child.ts` with `args` under tsx and waits for its ready message. */
export async function spawnBrokerChild(
  name: 'hub' | 'bare',
  args: string[],
  options: SpawnOptions = {},
): Promise<BrokerChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', '--import', import.meta.resolve('tsx'), CHILD_ENTRY, ...args],
    // The child's stdout goes to our stderr: our stdout carries only the JSON result.
    {
      stdio: ['ignore', 2, 2, 'ipc'],
      env: { ...process.env, ...(options.serverNoDelay ? { OUTPOST_BENCH_SERVER_NODELAY: '1' } : {}) },
    },
  );
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await new Promise<ChildReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} child did not start in 60 s`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} child exited with ${code} before it was ready`));
    });
    child.on('message', (msg: ChildReady | ChildReply) => {
      if ('ready' in msg) {
        clearTimeout(timer);
        resolve(msg);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name} child: ${msg.error}`));
    });
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`${name} child exited with ${code}`));
    pending.clear();
  });
  const call = <T>(cmd: ChildRequest['cmd'], callArgs?: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, ...(callArgs ? { args: callArgs } : {}) } satisfies ChildRequest);
    });
  let closing: Promise<void> | undefined;
  let profiles = 0;
  return {
    name,
    info,
    call,
    async profile(label) {
      const dir = options.cpuProfileDir;
      if (!dir) return async () => {};
      await call('profileStart');
      const file = path.join(dir, `${name}-${label}-${++profiles}.cpuprofile`);
      return async () => {
        await call('profileStop', { file });
      };
    },
    stats: (o) => call<ChildStats>('stats', o?.gc ? { gc: true } : undefined),
    memory: () => readProcMemory(info.pid),
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.connected) {
          const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await call('close').catch(() => undefined);
          await exited;
          clearTimeout(timer);
        } else if (child.exitCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return closing;
    },
  };
}

/** VmRSS and VmHWM of `pid` in MiB, from /proc/<pid>/status. */
export function readProcMemory(pid: number): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kb('VmRSS') / 1024), peakRssMiB: Math.round(kb('VmHWM') / 1024) };
}

/** CPU milliseconds (user + system) a child used between two stats readings. */
export function cpuMsBetween(before: ChildStats, after: ChildStats): number {
  return (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
}
