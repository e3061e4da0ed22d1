import type { ImportFormat } from '../../api/imports';

/** The columns an import CSV may have (core/src/fleet/import-rows.ts), for the help text. */
export const IMPORT_COLUMNS: readonly { name: string; what: string }[] = [
  { name: 'deviceId', what: 'Required. The device id.' },
  { name: 'tags.<path>', what: 'A tag; dots nest (tags.location.room).' },
  { name: 'desired.<path>', what: 'A desired property, e.g. desired.telemetryInterval.' },
  { name: 'primaryKey, secondaryKey', what: 'Base64 SAS keys; generated when empty.' },
];

/** A small sample CSV an operator can download and fill in. */
export const SAMPLE_CSV = [
  'deviceId,tags.site,tags.floor,tags.type,desired.telemetryInterval',
  'therm-101,lisbon,1,thermostat,30',
  'therm-102,lisbon,2,thermostat,30',
  'meter-201,porto,1,meter,',
  '',
].join('\r\n');

/** The same rows as a JSON import. */
export const SAMPLE_JSON = `${JSON.stringify(
  [
    {
      deviceId: 'therm-101',
      tags: { site: 'lisbon', floor: 1, type: 'thermostat' },
      desired: { telemetryInterval: 30 },
    },
    { deviceId: 'meter-201', tags: { site: 'porto', floor: 1, type: 'meter' } },
  ],
  null,
  2,
)}\n`;

/** The format of a chosen file: by its extension, else by its first character. */
export function detectFormat(name: string, text: string): ImportFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return text.trimStart().startsWith('[') ? 'json' : 'csv';
}

/** The number of data lines of a CSV (non-blank lines after the header), for the preview. */
export function csvDataLines(text: string): number {
  return Math.max(0, text.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1);
}

/** The number of entries of a JSON import, or undefined when it is not a JSON array. */
export function jsonEntries(text: string): number | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.length : undefined;
  } catch {
    return undefined;
  }
}
