import type { AuditEntry, AuditPage } from '@outpost/core';
import type { Command } from 'commander';
import { callAsOperator, savedTarget } from './session-client';

// The hub's largest page (MAX_AUDIT_LIMIT); more entries take more requests.
const PAGE = 500;

function formatEntry(e: AuditEntry): string {
  const patch = JSON.stringify(e.patch) ?? '';
  const short = patch.length > 120 ? `${patch.slice(0, 117)}...` : patch;
  return `#${e.seq} ${e.at} ${e.actor.type}:${e.actor.id} ${e.kind} ${e.id} ${short}`;
}

/** `outpost audit`: who did what, when, to which device, from the hub's audit trail. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('print the audit trail (oldest first), using the saved login')
    .option('--device <id>', 'only changes of this device')
    .option(
      '--actor <actor>',
      'only changes by this actor: a name, or type:name (user:alice, policy:service)',
    )
    .option('--kind <kinds>', 'only these change kinds, comma-separated (deviceCreated,twinDesiredChanged)')
    .option('--since <time>', 'from this ISO-8601 time')
    .option('--until <time>', 'up to this ISO-8601 time')
    .option('--after-seq <seq>', 'only changes after this seq')
    .option('--limit <n>', 'print at most this many entries', '100')
    .option('--json', 'print a JSON array')
    .action(async (opts: Record<string, unknown>) => {
      const { target } = await savedTarget(process.env);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number.`);
      const params = new URLSearchParams();
      const set = (flag: string, name: string) => {
        if (typeof opts[flag] === 'string') params.set(name, opts[flag] as string);
      };
      set('device', 'deviceId');
      set('actor', 'actor');
      set('kind', 'kind');
      set('since', 'since');
      set('until', 'until');
      let cursor = typeof opts.afterSeq === 'string' ? opts.afterSeq : '0';
      const entries: AuditEntry[] = [];
      while (entries.length < limit) {
        params.set('afterSeq', cursor);
        params.set('limit', String(Math.min(PAGE, limit - entries.length)));
        const page = (await callAsOperator(target, 'GET', `/api/v1/audit?${params}`)) as AuditPage;
        entries.push(...page.items);
        if (page.nextAfterSeq === null) break;
        cursor = String(page.nextAfterSeq);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      else for (const e of entries) process.stdout.write(`${formatEntry(e)}\n`);
    });
}
