import { Command } from 'commander';
import { registerPolicyCommand } from './policy-command';
import { registerStartCommand } from './start-command';

/** The `outpost` command line. */
export function createProgram(): Command {
  const program = new Command('outpost')
    .description('Outpost: an edge-first IoT device-management hub that speaks the Azure IoT Hub protocols')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerStartCommand(program);
  registerPolicyCommand(program);
  return program;
}
