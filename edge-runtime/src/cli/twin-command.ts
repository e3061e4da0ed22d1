import type { Command } from 'commander';
import { hubPath, resolveApiClient, withApiOptions } from './api-client';
import { formatFields, parseJsonObject, print, printJson } from './format';

interface Twin {
  deviceId: string;
  etag: string;
  version: number;
  status?: string;
  connectionState?: string;
  tags?: Record<string, unknown>;
  properties?: { desired?: Record<string, unknown>; reported?: Record<string, unknown> };
}

/** A property section without `$metadata` and `$version`, for reading. */
function withoutMetadata(section: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section ?? {})) if (k !== '$metadata' && k !== '$version') out[k] = v;
  return out;
}

function describeTwin(t: Twin): string {
  const block = (name: string, value: unknown) =>
    `${name}:\n${JSON.stringify(value, null, 2).replace(/^/gm, '  ')}\n`;
  return (
    formatFields({
      deviceId: t.deviceId,
      status: t.status,
      connectionState: t.connectionState,
      version: t.version,
      etag: t.etag,
      desiredVersion: t.properties?.desired?.$version,
      reportedVersion: t.properties?.reported?.$version,
    }) +
    block('tags', t.tags ?? {}) +
    block('desired', withoutMetadata(t.properties?.desired)) +
    block('reported', withoutMetadata(t.properties?.reported))
  );
}

/** `outpost twin show|patch`: device twins of a running hub. */
export function registerTwinCommand(program: Command): void {
  const twin = program.command('twin').description('device twins (tags, desired and reported properties)');

  withApiOptions(
    twin.command('show <deviceId>').description('show a twin').option('--json', 'print the twin as JSON'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const t = await client.json<Twin>('GET', hubPath(['twins', deviceId]));
    if (opts.json) printJson(t);
    else print(describeTwin(t));
  });

  withApiOptions(
    twin
      .command('patch <deviceId>')
      .description('merge tags and/or desired properties into a twin (null removes a key)')
      .option('--tags <json>', 'tags to merge, e.g. \'{"site":"plantA"}\'')
      .option('--desired <json>', 'desired properties to merge, e.g. \'{"interval":30}\'')
      .option('--etag <etag>', 'only if the twin still has this etag (default: any)')
      .option('--json', 'print the patched twin as JSON'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const tags = typeof opts.tags === 'string' ? parseJsonObject('--tags', opts.tags) : undefined;
    const desired = typeof opts.desired === 'string' ? parseJsonObject('--desired', opts.desired) : undefined;
    if (!tags && !desired) throw new Error('Give --tags and/or --desired.');
    const patch = { ...(tags ? { tags } : {}), ...(desired ? { properties: { desired } } : {}) };
    const etag = typeof opts.etag === 'string' ? opts.etag.replace(/^"|"$/g, '') : '*';
    const client = await resolveApiClient(opts, process.env);
    const t = await client.json<Twin>('PATCH', hubPath(['twins', deviceId]), patch, {
      'if-match': `"${etag}"`,
    });
    if (opts.json) printJson(t);
    else print(`patched ${t.deviceId}: version ${t.version}, etag ${t.etag}`);
  });
}
