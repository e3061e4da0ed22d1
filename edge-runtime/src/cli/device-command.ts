import type { DeviceIdentity } from '@outpost/core';
import type { Command } from 'commander';
import { hubPath, readPages, resolveApiClient, withApiOptions } from './api-client';
import {
  formatFields,
  formatTable,
  noteMore,
  pageOptionsOf,
  parseJsonObject,
  print,
  printJson,
} from './format';

/** The twin fields `device list` shows (the rows of `SELECT * FROM devices`). */
export interface TwinRow {
  deviceId: string;
  status?: string;
  connectionState?: string;
  lastActivityTime?: string;
  authenticationType?: string;
  capabilities?: { iotEdge?: boolean };
  tags?: Record<string, unknown>;
}

/** The table columns of twin rows, shared with `query`. */
export const TWIN_COLUMNS = [
  { header: 'DEVICE', value: (t: TwinRow) => t.deviceId },
  { header: 'STATUS', value: (t: TwinRow) => t.status },
  { header: 'CONNECTION', value: (t: TwinRow) => t.connectionState },
  { header: 'LAST ACTIVITY', value: (t: TwinRow) => t.lastActivityTime },
  { header: 'AUTH', value: (t: TwinRow) => t.authenticationType },
  { header: 'EDGE', value: (t: TwinRow) => (t.capabilities?.iotEdge ? 'yes' : '') },
  { header: 'TAGS', value: (t: TwinRow) => (t.tags && Object.keys(t.tags).length ? t.tags : '') },
];

function describeDevice(d: DeviceIdentity): string {
  return formatFields({
    deviceId: d.deviceId,
    status: d.statusReason ? `${d.status} (${d.statusReason})` : d.status,
    connectionState: d.connectionState,
    lastActivityTime: d.lastActivityTime,
    authentication: d.authentication?.type,
    iotEdge: d.capabilities?.iotEdge ? 'yes' : 'no',
    etag: d.etag,
    keys: d.authentication?.type === 'sas' ? 'hidden (use --json to see them)' : undefined,
  });
}

/** `outpost device list|show|add|update|remove`: the identity registry of a running hub. */
export function registerDeviceCommand(program: Command): void {
  const device = program
    .command('device')
    .description('device identities of a running hub (saved login, or --connection-string)');

  withApiOptions(
    device
      .command('list')
      .description('list devices (their twins: status, connection, tags); one page of 100 unless --top/--all')
      .option('--top <n>', 'at most this many devices')
      .option('--all', 'every device, following the continuation pages')
      .option('--json', 'print a JSON array of twins'),
  ).action(async (opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const { items, more } = await readPages<TwinRow>(
      client,
      'POST',
      hubPath(['devices', 'query']),
      { query: 'SELECT * FROM devices' },
      pageOptionsOf(opts),
    );
    if (opts.json) printJson(items);
    else print(formatTable(items, TWIN_COLUMNS));
    if (more) noteMore(items.length, 'devices');
  });

  withApiOptions(
    device
      .command('show <deviceId>')
      .description('show a device identity')
      .option('--json', 'print JSON (with keys)'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const identity = await client.json<DeviceIdentity>('GET', hubPath(['devices', deviceId]));
    if (opts.json) printJson(identity);
    else print(describeDevice(identity));
  });

  withApiOptions(
    device
      .command('add <deviceId>')
      .description('register a device with generated SAS keys')
      .option('--tags <json>', 'twin tags to set, e.g. \'{"site":"plantA"}\'')
      .option('--edge', 'an IoT Edge device')
      .option('--status <status>', 'enabled or disabled', 'enabled')
      .option('--json', 'print the new identity as JSON (with keys)'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const tags = typeof opts.tags === 'string' ? parseJsonObject('--tags', opts.tags) : undefined;
    const client = await resolveApiClient(opts, process.env);
    const identity = await client.json<DeviceIdentity>('PUT', hubPath(['devices', deviceId]), {
      deviceId,
      status: opts.status,
      capabilities: { iotEdge: opts.edge === true },
    });
    if (tags) await client.json('PATCH', hubPath(['twins', deviceId]), { tags }, { 'if-match': '"*"' });
    if (opts.json) printJson(identity);
    else
      print(
        `created ${identity.deviceId} (${identity.authentication?.type ?? 'sas'}${opts.edge ? ', edge' : ''})` +
          `${tags ? ' with tags' : ''}; its keys: outpost device show ${identity.deviceId} --json`,
      );
  });

  withApiOptions(
    device
      .command('update <deviceId>')
      .description('enable or disable a device')
      .option('--status <status>', 'enabled or disabled')
      .option('--reason <text>', 'the status reason (e.g. why it is disabled)')
      .option('--json', 'print the updated identity as JSON'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    if (opts.status !== undefined && opts.status !== 'enabled' && opts.status !== 'disabled') {
      throw new Error(`--status must be enabled or disabled, not ${String(opts.status)}.`);
    }
    if (opts.status === undefined && opts.reason === undefined)
      throw new Error('Give --status and/or --reason.');
    const client = await resolveApiClient(opts, process.env);
    const current = await client.json<DeviceIdentity>('GET', hubPath(['devices', deviceId]));
    const next = {
      ...current,
      ...(opts.status !== undefined ? { status: opts.status } : {}),
      ...(opts.reason !== undefined ? { statusReason: opts.reason } : {}),
    };
    // The etag read above: a concurrent change makes this a 412 rather than a lost update.
    const updated = await client.json<DeviceIdentity>('PUT', hubPath(['devices', deviceId]), next, {
      'if-match': `"${current.etag}"`,
    });
    if (opts.json) printJson(updated);
    else
      print(
        `updated ${updated.deviceId}: ${updated.status}${updated.statusReason ? ` (${updated.statusReason})` : ''}`,
      );
  });

  withApiOptions(
    device.command('remove <deviceId>').description('delete a device, its twin and its queued messages'),
  ).action(async (deviceId: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    await client.call('DELETE', hubPath(['devices', deviceId]), { headers: { 'if-match': '"*"' } });
    print(`removed ${deviceId}`);
  });
}
