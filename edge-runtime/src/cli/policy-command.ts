import path from 'node:path';
import { buildServiceConnectionString, createSasToken, type SharedAccessPolicy } from '@outpost/core';
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { readHubInfo } from '../hub-info';
import { readStoreCollection } from '../store';

async function readPolicies(
  opts: Record<string, unknown>,
): Promise<{ policies: SharedAccessPolicy[]; hostName: string }> {
  const config = await loadConfig({ argv: opts, env: process.env });
  const docs = await readStoreCollection(path.join(config.dataDir, 'store'), 'policies');
  if (docs.size === 0) {
    throw new Error(
      `No hub data in ${config.dataDir}. Start the hub once (outpost start --data-dir ${config.dataDir}).`,
    );
  }
  // The host name the hub last ran with beats this shell's default: tokens must name the hub.
  const info = opts.hostName ? undefined : await readHubInfo(config.dataDir);
  return {
    policies: [...docs.values()] as SharedAccessPolicy[],
    hostName: info?.hostName ?? config.hostName,
  };
}

/** `outpost policy list|show`: the hub's shared access policies, read from its data directory. */
export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description("the hub's shared access policies (read from the data dir)");
  policy
    .command('list')
    .description('list the policies and their rights')
    .option('--data-dir <dir>', 'data directory; default ./data')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, unknown>) => {
      const { json, ...rest } = opts;
      const { policies } = await readPolicies(rest);
      const rows = policies.map((p) => ({ name: p.name, rights: p.rights }));
      if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else for (const r of rows) process.stdout.write(`${r.name.padEnd(20)} ${r.rights.join(', ')}\n`);
    });
  policy
    .command('show <name>')
    .description("print a policy's connection string (this prints a secret)")
    .option('--data-dir <dir>', 'data directory; default ./data')
    .option('--host-name <name>', 'HostName to put in the connection string; default the configured one')
    .option('--secondary', 'use the secondary key')
    .option('--json', 'print JSON with both keys')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const { json, secondary, ...rest } = opts;
      const { policies, hostName } = await readPolicies(rest);
      const p = policies.find((x) => x.name === name);
      if (!p) throw new Error(`No policy named ${name}. Known: ${policies.map((x) => x.name).join(', ')}.`);
      const key = secondary ? p.secondaryKey : p.primaryKey;
      const cs = buildServiceConnectionString({ hostName, policyName: p.name, key });
      if (json) process.stdout.write(`${JSON.stringify({ ...p, connectionString: cs }, null, 2)}\n`);
      else process.stdout.write(`${cs}\n`);
    });
  policy
    .command('token <name>')
    .description('print a SAS token of a policy, for curl and scripts (this prints a secret)')
    .option('--data-dir <dir>', 'data directory; default ./data')
    .option('--host-name <name>', 'the hub name to sign for; default the configured one')
    .option('--ttl <seconds>', 'lifetime of the token', '3600')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const { ttl, ...rest } = opts;
      const { policies, hostName } = await readPolicies(rest);
      const p = policies.find((x) => x.name === name);
      if (!p) throw new Error(`No policy named ${name}. Known: ${policies.map((x) => x.name).join(', ')}.`);
      const seconds = Number(ttl);
      if (!Number.isInteger(seconds) || seconds <= 0)
        throw new Error('--ttl must be a positive number of seconds.');
      const expiresAt = Math.ceil(Date.now() / 1000) + seconds;
      process.stdout.write(
        `${createSasToken({ resourceUri: hostName, key: p.primaryKey, policyName: p.name, expiresAt })}\n`,
      );
    });
}
