import { type Command, InvalidArgumentError } from 'commander';
import { type Fleet, type FleetSummary, startFleet } from '../simulator/fleet';
import { resolveHubTarget } from '../simulator/hub-target';
import { createProgressBar } from '../simulator/progress-bar';

/** Options as commander hands them over (camelCase). */
interface SimulateOptions {
  devices: number;
  prefix: string;
  telemetryInterval: number;
  reportInterval: number;
  concurrency: number;
  failMethods?: string;
  duration?: number;
  url?: string;
  ca?: string;
  connectionString?: string;
  httpsUrl?: string;
  dataDir?: string;
  hostName?: string;
}

const HELP_AFTER = `
Each device connects like an azure-iot-device app over MQTT (clean=0, SAS renewed every 45 min),
reads its twin, reports firmwareVersion/battery/status and sends JSON telemetry at QoS 1. It implements:
  reboot         method: 200, reported rebootStatus rebooting, offline for {"delay": s} (default 5 s), done
  factoryReset   method: 200, reported factoryResetStatus resetting, reported back to defaults, done
  desired        telemetryInterval, reportInterval (seconds) and logLevel are applied and acknowledged
                 in reported configStatus {status, version}
  other methods  404
Devices are {prefix}00001… and are created through the REST API (bulk, 100 per request) with
tags.simulated = true, or reused with their keys when they exist.

On the hub machine the defaults just work: policies, hub name, HTTPS port and CA come from ./data.
Elsewhere: --connection-string (RegistryWrite policy), --https-url, --url and --ca.

Examples:
  outpost simulate --devices 50
  outpost simulate --devices 1000 --telemetry-interval 60 --data-dir /var/lib/outpost
  outpost simulate --devices 10 --url mqtts://hub.site1.lan:8883 --https-url https://hub.site1.lan:8443 \\
    --ca hub-ca.pem --connection-string "HostName=hub.site1.lan;SharedAccessKeyName=iothubowner;SharedAccessKey=…"`;

/** `outpost simulate`: a fleet of simulated devices until Ctrl-C (or --duration). */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate a fleet of MQTT devices against the hub (Ctrl-C to stop)')
    .requiredOption('--devices <n>', 'number of devices', integer(1, 100_000))
    .option('--prefix <text>', 'device id prefix', 'sim-')
    .option(
      '--telemetry-interval <s>',
      'seconds between telemetry messages per device; 0 = none',
      seconds,
      10,
    )
    .option('--report-interval <s>', 'seconds between battery/status reports; 0 = none', seconds, 300)
    .option('--concurrency <n>', 'devices connecting at once', integer(1, 10_000), 200)
    .option('--fail-methods <names>', 'comma-separated methods to answer 500 (for testing invokers)')
    .option('--duration <s>', 'stop after this many seconds instead of waiting for Ctrl-C', seconds)
    .option('--url <url>', 'MQTT endpoint; default mqtts://localhost:<mqtts port, 8883>')
    .option('--ca <file>', "hub CA (PEM); default <data-dir>/tls/ca.pem, else Node's roots")
    .option(
      '--connection-string <cs>',
      'service connection string of a RegistryWrite policy; default from the data dir',
    )
    .option('--https-url <url>', 'REST API; default https://localhost:<port in hub.json, 8443>')
    .option('--data-dir <dir>', 'hub data directory (policies, hub.json, CA); default ./data')
    .option('--host-name <name>', 'HostName devices sign for; default from the connection string or hub.json')
    .addHelpText('after', HELP_AFTER)
    .action((opts: SimulateOptions) => runSimulation(opts));
}

async function runSimulation(opts: SimulateOptions): Promise<void> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const target = await resolveHubTarget({
    ...(opts.connectionString ? { connectionString: opts.connectionString } : {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.httpsUrl ? { httpsUrl: opts.httpsUrl } : {}),
    ...(opts.url ? { url: opts.url } : {}),
    ...(opts.ca ? { caFile: opts.ca } : {}),
    ...(opts.hostName ? { hostName: opts.hostName } : {}),
  });
  out(
    `Simulating ${opts.devices} devices on ${target.url} (HostName=${target.hostName}), REST ${target.rest.baseUrl}`,
  );
  for (const source of target.sources) out(`  ${source}`);

  const controller = new AbortController();
  let fleet: Fleet | undefined;
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      err(`${reason} again: exiting without a clean disconnect.`);
      process.exit(130);
    }
    stopping = true;
    controller.abort();
    // Before the fleet exists, the start returns early on abort and the code below closes it.
    if (fleet) void shutdown(fleet, reason);
  };
  const shutdown = async (running: Fleet, reason: string) => {
    err(`${reason}: disconnecting ${running.devices.length} devices…`);
    const totals = running.totals();
    await running.close();
    out(
      `Sent ${totals.telemetrySent} telemetry messages, ${totals.reportedPatches} reported patches, handled ${totals.methodCalls} method calls.`,
    );
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const bar = createProgressBar(process.stderr);
  const failMethods =
    opts.failMethods
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  const started = await startFleet({
    count: opts.devices,
    idPrefix: opts.prefix,
    rest: target.rest,
    hostName: target.hostName,
    url: target.url,
    ...(target.ca === undefined ? {} : { ca: target.ca }),
    concurrency: opts.concurrency,
    device: {
      telemetryIntervalMs: opts.telemetryInterval * 1000,
      reportIntervalMs: opts.reportInterval * 1000,
      failMethods,
    },
    onProgress: (p) =>
      bar.update(p.phase === 'provisioning' ? 'provisioning' : 'connecting  ', p.done, p.total, p.failed),
    signal: controller.signal,
  }).finally(() => bar.finish());
  fleet = started;
  printSummary(started.summary, out);
  if (stopping) return shutdown(started, 'stopped');
  if (started.summary.connected === 0) {
    await started.close();
    throw new Error('No device could connect; see the failures above.');
  }
  out(opts.duration === undefined ? 'Running. Ctrl-C to stop.' : `Running for ${opts.duration} s.`);
  const status = setInterval(() => {
    const t = started.totals();
    const online = started.devices.filter((d) => d.isConnected).length;
    err(
      `${new Date().toISOString()} online ${online}/${started.devices.length}, telemetry ${t.telemetrySent} (${t.telemetryFailed} failed), reported ${t.reportedPatches}, methods ${t.methodCalls}, desired ${t.desiredPatches}, c2d ${t.c2dMessages}`,
    );
  }, 30_000);
  status.unref();
  if (opts.duration !== undefined) setTimeout(() => stop('duration reached'), opts.duration * 1000);
}

function printSummary(summary: FleetSummary, out: (line?: string) => void): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  out(`  provisioned  ${summary.created} created, ${summary.reused} reused in ${s(summary.provisionMs)}`);
  out(
    `  connected    ${summary.connected} of ${summary.requested} in ${s(summary.connectMs)}${summary.aborted ? ' (aborted)' : ''}`,
  );
  if (summary.failures.length === 0) return;
  out(`  failed       ${summary.failures.length}`);
  for (const f of summary.failures.slice(0, 10)) out(`    ${f.deviceId} (${f.stage}): ${f.message}`);
  if (summary.failures.length > 10) out(`    … and ${summary.failures.length - 10} more`);
}

function integer(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

function seconds(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 86_400) {
    throw new InvalidArgumentError('must be a number of seconds from 0 to 86400.');
  }
  return n;
}
