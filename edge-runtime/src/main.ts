// The only file that touches argv and the process exit code.
import { isHubError } from '@outpost/core';
import { createProgram } from './cli/program';

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    const message = isHubError(err) || err instanceof Error ? err.message : String(err);
    process.stderr.write(`outpost: ${message}\n`);
    process.exit(1);
  });
