import type { Command } from 'commander';
import { hubPath, resolveApiClient, withApiOptions } from './api-client';
import {
  collect,
  formatFields,
  formatTable,
  optionalWholeNumber,
  parseJsonObject,
  parseWholeNumber,
  print,
  printJson,
} from './format';

interface Configuration {
  id: string;
  priority: number;
  targetCondition: string;
  labels?: Record<string, string>;
  content?: Record<string, unknown>;
  createdTimeUtc?: string;
  lastUpdatedTimeUtc?: string;
  etag?: string;
  systemMetrics?: { results?: Record<string, number> };
  metrics?: { queries?: Record<string, string>; results?: Record<string, number> };
}

const CONTENT_KINDS = ['deviceContent', 'modulesContent', 'moduleContent'];

/** `--content` as the hub wants it: bare `{"properties.desired.x": …}` entries are device content. */
function contentOf(text: string): Record<string, unknown> {
  const content = parseJsonObject('--content', text);
  return Object.keys(content).some((k) => CONTENT_KINDS.includes(k)) ? content : { deviceContent: content };
}

function pairs(option: string, values: unknown): Record<string, string> | undefined {
  if (!Array.isArray(values)) return undefined;
  const out: Record<string, string> = {};
  for (const pair of values as string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${option} takes name=value, not ${pair}.`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

const CONFIG_COLUMNS = [
  { header: 'ID', value: (c: Configuration) => c.id },
  { header: 'PRIORITY', value: (c: Configuration) => c.priority },
  { header: 'TARGETED', value: (c: Configuration) => c.systemMetrics?.results?.targetedCount },
  { header: 'APPLIED', value: (c: Configuration) => c.systemMetrics?.results?.appliedCount },
  { header: 'CREATED', value: (c: Configuration) => c.createdTimeUtc },
  { header: 'TARGET', value: (c: Configuration) => c.targetCondition },
];

/** `outpost config list|show|add|remove`: automatic device management configurations. */
export function registerConfigCommand(program: Command): void {
  const config = program
    .command('config')
    .description('configurations: desired properties applied to the devices a condition targets');

  withApiOptions(
    config
      .command('list')
      .description('list configurations')
      .option('--top <n>', 'at most this many')
      .option('--json', 'print a JSON array'),
  ).action(async (opts: Record<string, unknown>) => {
    const top = optionalWholeNumber('--top', opts.top);
    const client = await resolveApiClient(opts, process.env);
    const list = await client.json<Configuration[]>(
      'GET',
      hubPath(['configurations'], { top: top === undefined ? undefined : String(top) }),
    );
    if (opts.json) printJson(list);
    else print(formatTable(list, CONFIG_COLUMNS));
  });

  withApiOptions(
    config
      .command('show <id>')
      .description('show a configuration and its metrics')
      .option('--json', 'print JSON'),
  ).action(async (id: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const c = await client.json<Configuration>('GET', hubPath(['configurations', id]));
    if (opts.json) printJson(c);
    else
      print(
        formatFields({
          id: c.id,
          priority: c.priority,
          targetCondition: c.targetCondition,
          labels: c.labels,
          content: c.content,
          systemMetrics: c.systemMetrics?.results,
          metrics: c.metrics?.results,
          metricQueries: c.metrics?.queries,
          createdTimeUtc: c.createdTimeUtc,
          lastUpdatedTimeUtc: c.lastUpdatedTimeUtc,
          etag: c.etag,
        }),
      );
  });

  withApiOptions(
    config
      .command('add <id>')
      .description('create a configuration (its content cannot change later)')
      .requiredOption(
        '--target <condition>',
        'which twins: a WHERE condition, e.g. "tags.site = \'plantA\'", or *',
      )
      .requiredOption('--priority <n>', 'a whole number; the highest wins per property')
      .requiredOption(
        '--content <json>',
        'e.g. \'{"properties.desired.firmware":{"version":"1.3"}}\' (or a whole {"deviceContent": …})',
      )
      .option(
        '--metric <name=query>',
        'a custom metric (repeatable), e.g. ok="SELECT deviceId FROM devices WHERE …"',
        collect,
      )
      .option('--label <key=value>', 'a label (repeatable)', collect)
      .option('--json', 'print the configuration as JSON'),
  ).action(async (id: string, opts: Record<string, unknown>) => {
    const priority = parseWholeNumber('--priority', opts.priority, 0);
    const content = contentOf(opts.content as string);
    const queries = pairs('--metric', opts.metric);
    const labels = pairs('--label', opts.label);
    const client = await resolveApiClient(opts, process.env);
    const c = await client.json<Configuration>('PUT', hubPath(['configurations', id]), {
      id,
      schemaVersion: '1.0',
      targetCondition: opts.target,
      priority,
      content,
      ...(labels ? { labels } : {}),
      ...(queries ? { metrics: { queries } } : {}),
    });
    if (opts.json) printJson(c);
    else print(`created configuration ${c.id} (priority ${c.priority}, target ${c.targetCondition})`);
  });

  withApiOptions(config.command('remove <id>').description('delete a configuration')).action(
    async (id: string, opts: Record<string, unknown>) => {
      const client = await resolveApiClient(opts, process.env);
      await client.call('DELETE', hubPath(['configurations', id]));
      print(`removed configuration ${id}`);
    },
  );
}
