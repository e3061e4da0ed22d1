import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatJson, progress } from './stats';

/** Prints a bench report as JSON on stdout and, on a full run, saves it as the latest result. */
export async function publishReport(options: {
  report: { targetsMissed?: readonly string[] };
  resultFile: string;
  /** Only a full run (no narrowing flags) replaces the saved result. */
  full: boolean;
  durationMs: number;
}): Promise<void> {
  const { report, resultFile, full, durationMs } = options;
  const json = formatJson(report);
  process.stdout.write(`${json}\n`);
  const saved = path.relative(process.cwd(), resultFile);
  if (full) {
    await mkdir(path.dirname(resultFile), { recursive: true });
    await writeFile(resultFile, `${json}\n`);
    progress(`wrote ${saved}`);
  } else {
    progress(`partial run: ${saved} left as it was`);
  }
  const missed = report.targetsMissed?.join(', ') || 'none';
  progress(`done in ${(durationMs / 1000).toFixed(1)} s; targets missed: ${missed}`);
}

/** Runs a bench entry point; a failure is printed and sets a non-zero exit code. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(
      `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  });
}
