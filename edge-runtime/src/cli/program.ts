import { Command } from 'commander';
import { OUTPOST_VERSION } from '../version';
import { registerAuditCommand } from './audit-command';
import { registerC2dCommand } from './c2d-command';
import { registerConfigCommand } from './config-command';
import { registerDeviceCommand } from './device-command';
import { registerExportCommand } from './export-command';
import { registerImportCommand } from './import-command';
import { registerJobCommand } from './job-command';
import { registerLifecycleCommands } from './lifecycle-command';
import { registerLoginCommands } from './login-command';
import { registerMethodCommand } from './method-command';
import { registerPolicyCommand } from './policy-command';
import { registerQueryCommand } from './query-command';
import { registerSimulateCommand } from './simulate-command';
import { registerStartCommand } from './start-command';
import { registerTelemetryCommand } from './telemetry-command';
import { registerTwinCommand } from './twin-command';
import { registerUserCommand } from './user-command';

/** The `outpost` command line. */
export function createProgram(): Command {
  const program = new Command('outpost')
    .description('Outpost: an edge-first IoT device-management hub that speaks the Azure IoT Hub protocols')
    .version(OUTPOST_VERSION)
    .showHelpAfterError('(run with --help for usage)');
  registerStartCommand(program);
  registerPolicyCommand(program);
  registerSimulateCommand(program);
  registerTelemetryCommand(program);
  registerC2dCommand(program);
  registerLoginCommands(program);
  registerUserCommand(program);
  registerAuditCommand(program);
  registerDeviceCommand(program);
  registerTwinCommand(program);
  registerQueryCommand(program);
  registerMethodCommand(program);
  registerJobCommand(program);
  registerConfigCommand(program);
  registerImportCommand(program);
  registerExportCommand(program);
  registerLifecycleCommands(program);
  return program;
}
