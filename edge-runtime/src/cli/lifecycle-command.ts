import type {
  ArchivedDevice,
  DeviceIdentity,
  DeviceOperation,
  DeviceOperationView,
  FleetSummary,
  Replacement,
} from '@outpost/core';
import type { Command } from 'commander';
import { type ApiClient, resolveApiClient, withApiOptions } from './api-client';
import { formatFields, formatTable, parseJsonOption, parseWholeNumber, print, printJson } from './format';
import { watch } from './job-command';

const OPERATIONS = ['reboot', 'factory-reset'] as const;

const devicePath = (id: string, suffix?: string, params?: Record<string, string>) =>
  `/api/v1/devices/${encodeURIComponent(id)}${suffix ? `/${suffix}` : ''}${params ? `?${new URLSearchParams(params)}` : ''}`;

const statusOf = (d: DeviceIdentity) =>
  `${d.status}${d.statusReason ? ` (${d.statusReason})` : ''}, auth ${d.authentication?.type ?? 'none'}`;

/** A Commander action (arguments, then the options, then the command) run with the API client of its options. */
const withClient =
  <A extends unknown[]>(
    run: (client: ApiClient, opts: Record<string, unknown>, ...args: A) => Promise<void>,
  ) =>
  async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Record<string, unknown>;
    const client = await resolveApiClient(opts, process.env);
    await run(client, opts, ...(args.slice(0, -2) as A));
  };

/** Adds the hint an offline device needs to an operation error. */
function explainOperation(err: unknown, deviceId: string): Error {
  const message = (err as Error).message;
  if (/DeviceNotOnline/.test(message))
    return new Error(
      `${message}\nhint: ${deviceId} is not connected (or has not subscribed to methods); connect it and retry.`,
      {
        cause: err,
      },
    );
  return err as Error;
}

function describeOperations(v: DeviceOperationView): string {
  const op = v.lastOperation;
  return formatFields({
    deviceId: v.deviceId,
    phase: v.phase,
    lastOperation: op ? `${op.operation} (${op.jobId ? `job ${op.jobId}` : 'direct'}) ${op.state}` : 'none',
    requestedBy: op ? `${op.requestedBy.type}:${op.requestedBy.id}` : undefined,
    requestedTime: op?.requestedTime,
    result: op?.result ? `status ${op.result.status} ${JSON.stringify(op.result.payload)}` : undefined,
    error: op?.error ? `${op.error.code}: ${op.error.message}` : undefined,
    rebootStatus: v.reported.rebootStatus ?? undefined,
    factoryResetStatus: v.reported.factoryResetStatus ?? undefined,
  });
}

function describeSummary(s: FleetSummary): string {
  const counts = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '-';
  const ids = (l: { count: number; deviceIds: string[] }) =>
    `${l.count}${l.count ? ` (${l.deviceIds.join(', ')}${l.count > l.deviceIds.length ? ', ...' : ''})` : ''}`;
  return formatFields({
    generatedAt: s.generatedAt,
    totalDevices: String(s.totalDevices),
    connection: counts(s.byConnectionState),
    status: counts(s.byStatus),
    reportedStatus: counts(s.byReportedStatus),
    rebootStatus: counts(s.byRebootStatus),
    factoryResetStatus: counts(s.byFactoryResetStatus),
    failing: ids(s.failing),
    [`silent (${s.silent.silentMinutes} min)`]: ids(s.silent),
    neverConnected: ids(s.neverConnected),
  });
}

const ARCHIVE_COLUMNS = [
  { header: 'DEVICE', value: (a: ArchivedDevice) => a.deviceId },
  { header: 'ARCHIVED', value: (a: ArchivedDevice) => a.archivedTime },
  { header: 'BY', value: (a: ArchivedDevice) => `${a.archivedBy.type}:${a.archivedBy.id}` },
  {
    header: 'TAGS',
    value: (a: ArchivedDevice) => (Object.keys(a.twin.tags ?? {}).length ? a.twin.tags : ''),
  },
];

/** `outpost device reboot|factory-reset|operations|disable|enable|rotate-keys|revoke|retire|replace|connection-string`. */
function registerDeviceLifecycle(device: Command): void {
  for (const name of OPERATIONS) {
    withApiOptions(
      device
        .command(`${name} <deviceId>`)
        .description(
          `call the ${name} direct method on a connected device; progress: outpost device operations <id>`,
        )
        .option('--payload <json>', 'the method payload (JSON)')
        .option('--timeout <s>', 'seconds the device has to answer (5-300)', '30')
        .option('--json', 'print the recorded operation as JSON'),
    ).action(
      withClient(async (client, opts, deviceId: string) => {
        const body = {
          responseTimeoutInSeconds: parseWholeNumber('--timeout', opts.timeout, 5, 300),
          ...(typeof opts.payload === 'string'
            ? { payload: parseJsonOption('--payload', opts.payload) }
            : {}),
        };
        const op = await client
          .json<DeviceOperation>('POST', devicePath(deviceId, name), body)
          .catch((err) => {
            throw explainOperation(err, deviceId);
          });
        if (opts.json) printJson(op);
        else print(`${name} of ${deviceId} ${op.state}${op.result ? `: status ${op.result.status}` : ''}`);
      }),
    );
  }

  withApiOptions(
    device
      .command('operations <deviceId>')
      .description('the last reboot/factory-reset of a device and the progress it reports')
      .option('--json', 'print JSON'),
  ).action(
    withClient(async (client, opts, deviceId: string) => {
      const view = await client.json<DeviceOperationView>('GET', devicePath(deviceId, 'operations'));
      if (opts.json) printJson(view);
      else print(describeOperations(view));
    }),
  );

  const steps = [
    ['disable', 'disable a device (drops its connection)', 'disabled'],
    ['enable', 'enable a disabled device', 'enabled'],
    [
      'rotate-keys',
      'generate new SAS keys (drops its connection; brings back a revoked device)',
      'rotated the keys of',
    ],
    ['revoke', 'revoke every credential of a device (authentication none) until rotate-keys', 'revoked'],
  ] as const;
  for (const [name, description, done] of steps) {
    const command = device.command(`${name} <deviceId>`).description(description);
    if (name === 'disable') command.option('--reason <text>', 'the status reason');
    withApiOptions(command.option('--json', 'print the updated identity as JSON (with keys)')).action(
      withClient(async (client, opts, deviceId: string) => {
        const body =
          name === 'disable' && typeof opts.reason === 'string' ? { reason: opts.reason } : undefined;
        const identity = await client.json<DeviceIdentity>('POST', devicePath(deviceId, name), body);
        if (opts.json) printJson(identity);
        else print(`${done} ${identity.deviceId}: ${statusOf(identity)}`);
      }),
    );
  }

  withApiOptions(
    device
      .command('retire <deviceId>')
      .description('delete a device, keeping its identity (without keys) and twin in the archive')
      .option('--no-archive', 'delete without archiving (needs admin)')
      .option('--json', 'print the archive entry as JSON'),
  ).action(
    withClient(async (client, opts, deviceId: string) => {
      const archive = opts.archive !== false;
      const path = devicePath(deviceId, undefined, { archive: String(archive) });
      const entry = await client.json<ArchivedDevice | undefined>('DELETE', path);
      if (opts.json) printJson(entry ?? { deviceId, archived: false });
      else
        print(
          archive
            ? `retired ${deviceId}; see it with: outpost archive show ${deviceId}`
            : `deleted ${deviceId} (not archived)`,
        );
    }),
  );

  withApiOptions(
    device
      .command('replace <oldDeviceId> <newDeviceId>')
      .description(
        "create a new device with the old one's tags and desired properties; the old one is disabled and kept",
      )
      .option('--json', 'print {device, replacedDeviceId} as JSON (with keys)'),
  ).action(
    withClient(async (client, opts, oldId: string, newId: string) => {
      const answer = await client.json<Replacement>('POST', devicePath(oldId, 'replace'), {
        newDeviceId: newId,
      });
      if (opts.json) printJson(answer);
      else
        print(
          `created ${answer.device.deviceId} replacing ${answer.replacedDeviceId} (now disabled; retire it with: outpost device retire ${answer.replacedDeviceId})`,
        );
    }),
  );

  withApiOptions(
    device
      .command('connection-string <deviceId>')
      .description('the device connection string (reveals its primary key; needs the operator role)')
      .option('--gateway <host:port>', 'add GatewayHostName for a device behind this gateway')
      .option('--json', 'print {connectionString} as JSON'),
  ).action(
    withClient(async (client, opts, deviceId: string) => {
      const params = typeof opts.gateway === 'string' ? { gateway: opts.gateway } : undefined;
      const answer = await client.json<{ connectionString: string }>(
        'GET',
        devicePath(deviceId, 'connection-string', params),
      );
      if (opts.json) printJson(answer);
      else print(answer.connectionString);
    }),
  );
}

/** `outpost fleet summary|reboot|factory-reset`. */
function registerFleetCommand(program: Command): void {
  const fleet = program.command('fleet').description('the whole fleet: health summary and bulk operations');

  withApiOptions(
    fleet
      .command('summary')
      .description(
        'device counts by connection, status and reported progress; failing, silent and never-connected devices',
      )
      .option('--silent-minutes <n>', 'silent: seen before, but not within this many minutes (default 60)')
      .option('--json', 'print JSON'),
  ).action(
    withClient(async (client, opts) => {
      const minutes =
        opts.silentMinutes === undefined
          ? undefined
          : parseWholeNumber('--silent-minutes', opts.silentMinutes, 1, 43_200);
      const path = `/api/v1/fleet/summary${minutes === undefined ? '' : `?silentMinutes=${minutes}`}`;
      const summary = await client.json<FleetSummary>('GET', path);
      if (opts.json) printJson(summary);
      else print(describeSummary(summary));
    }),
  );

  for (const name of OPERATIONS) {
    withApiOptions(
      fleet
        .command(name)
        .description(`start a job calling ${name} on the devices matching --query`)
        .requiredOption(
          '--query <condition>',
          'the devices: a WHERE condition, e.g. "tags.site = \'north\'", or *',
        )
        .option('--payload <json>', 'the method payload (JSON)')
        .option('--watch', 'follow the job until it ends (exit 1 when it failed or was cancelled)')
        .option('--interval <s>', 'seconds between polls with --watch', '1')
        .option('--json', 'print {jobId} (the final job with --watch) as JSON'),
    ).action(
      withClient(async (client, opts) => {
        const payload =
          typeof opts.payload === 'string' ? { payload: parseJsonOption('--payload', opts.payload) } : {};
        const seconds = Number(opts.interval);
        if (!(seconds > 0 && seconds <= 3600))
          throw new Error(`--interval must be a number of seconds (0-3600], not ${String(opts.interval)}.`);
        const { jobId } = await client.json<{ jobId: string }>('POST', `/api/v1/operations/${name}`, {
          query: opts.query,
          ...payload,
        });
        if (opts.watch) return watch(client, jobId, seconds * 1000, opts.json === true);
        if (opts.json) printJson({ jobId });
        else print(`job ${jobId} started; follow it with: outpost job watch ${jobId}`);
      }),
    );
  }
}

/** `outpost archive list|show`. */
function registerArchiveCommand(program: Command): void {
  const archive = program.command('archive').description('retired devices (outpost device retire)');
  withApiOptions(
    archive.command('list').description('list archived devices').option('--json', 'print JSON'),
  ).action(
    withClient(async (client, opts) => {
      const entries = await client.json<ArchivedDevice[]>('GET', '/api/v1/archive/devices');
      if (opts.json) printJson(entries);
      else print(formatTable(entries, ARCHIVE_COLUMNS));
    }),
  );
  withApiOptions(
    archive
      .command('show <deviceId>')
      .description('show an archived device: identity and twin as retired')
      .option('--json', 'print JSON'),
  ).action(
    withClient(async (client, opts, deviceId: string) => {
      const entry = await client.json<ArchivedDevice>(
        'GET',
        `/api/v1/archive/devices/${encodeURIComponent(deviceId)}`,
      );
      if (opts.json) printJson(entry);
      else
        print(
          formatFields({
            deviceId: entry.deviceId,
            archivedTime: entry.archivedTime,
            archivedBy: `${entry.archivedBy.type}:${entry.archivedBy.id}`,
            status: statusOf(entry.identity),
            tags: entry.twin.tags,
            desired: entry.twin.properties?.desired,
            reported: entry.twin.properties?.reported,
          }),
        );
    }),
  );
}

/** The lifecycle commands: added to the `device` group (registered before), plus `fleet` and `archive`. */
export function registerLifecycleCommands(program: Command): void {
  const device = program.commands.find((c) => c.name() === 'device');
  if (!device) throw new Error('registerLifecycleCommands needs the device command registered first.');
  registerDeviceLifecycle(device);
  registerFleetCommand(program);
  registerArchiveCommand(program);
}
