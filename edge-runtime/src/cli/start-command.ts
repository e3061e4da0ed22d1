import { buildServiceConnectionString } from '@outpost/core';
import type { Command } from 'commander';
import { describeConfigSources, loadConfig } from '../config';
import { DEMO_JOB_ID, type Demo, startDemo } from '../demo/demo-fleet';
import { startEdgeRuntime } from '../runtime';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `outpost start`: runs the hub until SIGINT/SIGTERM. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the hub: HTTPS IoT Hub API on its embedded store')
    .option('--data-dir <dir>', 'data directory (store, TLS material); default ./data')
    .option('--host-name <name>', 'the HostName clients use; SAS tokens are signed for it')
    .option('--host-aliases <names>', 'other names or IPs clients use, comma-separated')
    .option('--bind <addr>', 'listen address; default 0.0.0.0 (all interfaces)')
    .option('--https-port <n>', 'HTTPS port; default 8443 (443 lets the azure-iothub SDK connect)')
    .option('--mqtts-port <n>', 'MQTT over TLS port for devices; default 8883')
    .option('--mqtt-plain-port <n>', 'plain MQTT port on 127.0.0.1 only, for a TLS terminator; default off')
    .option('--san <name>', 'extra name or IP for the server certificate (repeatable)', collect)
    .option('--clock-skew-seconds <n>', 'seconds an expired SAS token is still accepted; default 300')
    .option('--log-level <level>', 'debug, info, warn or error; default info')
    .option('--hub-id <id>', 'fixed hub id; default generated on first start')
    .option('--config <file>', 'JSON config file (camelCase keys)')
    .option(
      '--demo',
      'demo mode: 50 simulated devices (4 sites), configurations and a finished job; data in ./data-demo unless --data-dir',
    )
    .addHelpText(
      'after',
      `\n${describeConfigSources()}\n\nFirst start only: OUTPOST_IOTHUBOWNER_KEY (base64) sets the iothubowner primary key,\nOUTPOST_ADMIN_PASSWORD the password of the first operator, admin. Otherwise both are generated and shown once.\nX.509 devices of type certificateAuthority must chain to the hub CA or to a CA PEM in DATA_DIR/tls/trusted-device-cas/ (read at start).`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { san, demo: demoFlag, ...rest } = opts;
      const demoMode = demoFlag === true;
      // The demo never touches a real hub's ./data: it has its own directory unless one is given.
      if (demoMode && rest.dataDir === undefined) rest.dataDir = './data-demo';
      const config = await loadConfig({
        argv: { ...rest, ...(Array.isArray(san) ? { sans: san } : {}) },
        env: process.env,
        ...(typeof opts.config === 'string' ? { configFile: opts.config } : {}),
      });
      const ownerKey = process.env.OUTPOST_IOTHUBOWNER_KEY || undefined;
      if (ownerKey && Buffer.from(ownerKey, 'base64').length < 16) {
        throw new Error('OUTPOST_IOTHUBOWNER_KEY must be base64 of at least 16 bytes.');
      }
      const runtime = await startEdgeRuntime(config, {
        ...(ownerKey ? { ownerKey } : {}),
        ...(process.env.OUTPOST_ADMIN_PASSWORD ? { adminPassword: process.env.OUTPOST_ADMIN_PASSWORD } : {}),
      });
      const out = (line = '') => process.stdout.write(`${line}\n`);
      out(`Outpost hub ${runtime.hub.hubId} is running.`);
      out(`  Operator UI ${runtime.urls.https}/  (open it in a browser; sign in as admin)`);
      out(`  HTTPS API   ${runtime.urls.https}  (HostName=${config.hostName})`);
      out(`  Health      ${runtime.urls.health}`);
      out(`  MQTT (TLS)  ${runtime.urls.mqtts}  (devices: GatewayHostName=<this host>:<port>)`);
      out(`  MQTT (WSS)  ${runtime.urls.mqttWs}`);
      if (runtime.urls.mqtt) out(`  MQTT        ${runtime.urls.mqtt}  (plain, loopback only)`);
      out(`  Data        ${runtime.paths.dataDir}`);
      out(`  Hub CA      ${runtime.paths.caPem}  (trust it: NODE_EXTRA_CA_CERTS=${runtime.paths.caPem})`);
      if (runtime.hub.isNew) {
        const owner = runtime.hub.policies.get('iothubowner')!;
        out();
        out('First start. Keep these; they are shown only now:');
        if (runtime.generated.ownerKey) {
          const cs = buildServiceConnectionString({
            hostName: config.hostName,
            policyName: owner.name,
            key: owner.primaryKey,
          });
          out(`  iothubowner connection string: ${cs}`);
        }
        if (runtime.generated.adminPassword)
          out(`  operator admin password:       ${runtime.generated.adminPassword}`);
        out('  (later: outpost policy show iothubowner --data-dir <dir>)');
      }
      let demo: Demo | undefined;
      if (demoMode) {
        out();
        out('Demo mode: seeding and connecting simulated devices…');
        demo = await startDemo(runtime, { log: (line) => out(`  ${line}`) }).catch(async (err: unknown) => {
          await runtime.close();
          throw err;
        });
        const totals = demo.fleet.summary;
        out(`Demo running in ${runtime.paths.dataDir} (delete it to start over):`);
        out(
          `  ${totals.connected} simulated devices demo-00001… over ${runtime.urls.mqtts}, tags site/floor/type`,
        );
        out('    sites lisbon, porto, madrid, lyon; telemetry every 10 s; methods reboot and factoryReset');
        out('  configurations demo-lisbon-fast-telemetry, demo-meters-debug-logs');
        out(`  job ${DEMO_JOB_ID}: ${demo.seeded.job?.status ?? 'from an earlier start'}`);
        out(
          `  metrics ${runtime.urls.https}/metrics, API description ${runtime.urls.https}/api/openapi.json`,
        );
        out(
          `  try: outpost query "SELECT * FROM devices WHERE tags.site = 'porto'" (see README, five-minute tour)`,
        );
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        out(`${signal}: flushing and stopping…`);
        (demo ? demo.close() : Promise.resolve())
          .then(() => runtime.close())
          .then(
            () => process.exit(0),
            (err) => {
              process.stderr.write(`failed to stop cleanly: ${String(err)}\n`);
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
