import path from 'node:path';
import { buildServiceConnectionString, type SharedAccessPolicy } from '@outpost/core';
import type { Command } from 'commander';
import { loadConfig } from '../config';
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
  return { policies: [...docs.values()] as SharedAccessPolicy[], hostName: config.hostName };
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
}
