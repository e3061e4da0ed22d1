import os from 'node:os';

/** The machine a run was measured on: every figure is read against it. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  ramGiB: number;
  node: string;
  platform: string;
  arch: string;
  kernel: string;
  tmpdir: string;
  /** 1, 5 and 15 minute load averages when described: other work on the machine skews every figure. */
  loadAverage: number[];
}

/** Describes this machine (cpu model and count from os.cpus(), RAM, Node version). */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    kernel: os.release(),
    tmpdir: os.tmpdir(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** What else the machine was doing during a run: load averages and this process's share of the CPU. */
export interface RunLoad {
  loadAverageAtEnd: number[];
  /** CPU time this process used (user + system) over wall time; ~1 means it had a core to itself. */
  processCpuPerWall: number;
}

/** Describes the load a run saw, given `process.cpuUsage()` and `performance.now()` at its start. */
export function describeRunLoad(cpuAtStart: NodeJS.CpuUsage, wallAtStart: number): RunLoad {
  const cpu = process.cpuUsage(cpuAtStart);
  const wallMs = performance.now() - wallAtStart;
  return {
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    processCpuPerWall: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100,
  };
}
