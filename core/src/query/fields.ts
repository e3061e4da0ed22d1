import type { Collection, PathExpr } from './ast';
import { invalidAt } from './query-error';

/** A path as written: segment names and where the path sits in the text. */
export interface RawPath {
  readonly segments: readonly string[];
  readonly pos: number;
  readonly end: number;
  readonly text: string;
}

/** Top-level fields of a device or module twin (service-api.md §3.2), in canonical case. */
const TWIN_FIELDS = [
  'deviceId',
  'moduleId',
  'etag',
  'deviceEtag',
  'status',
  'statusReason',
  'statusUpdateTime',
  'connectionState',
  'lastActivityTime',
  'cloudToDeviceMessageCount',
  'authenticationType',
  'x509Thumbprint',
  'modelId',
  'version',
  'tags',
  'properties',
  'capabilities',
  'configurations',
  'deviceScope',
  'parentScopes',
];

/** Fields of a per-device job row (service-api.md §3.4), in canonical case. */
const JOB_FIELDS = [
  'deviceId',
  'moduleId',
  'jobId',
  'jobType',
  'status',
  'startTimeUtc',
  'endTimeUtc',
  'createdDateTimeUtc',
  'lastUpdatedDateTimeUtc',
  'outcome',
  'error',
];

const byLowerCase = (names: string[]) => new Map(names.map((n) => [n.toLowerCase(), n]));
const TWIN_CANONICAL = byLowerCase(TWIN_FIELDS);
const JOB_CANONICAL = byLowerCase(JOB_FIELDS);

/**
 * Turns a written path into the path evaluated on rows: strips the `devices.jobs.` prefix of job
 * queries and puts a known top-level field in canonical case (`DeviceId` → `deviceId`).
 */
export function resolvePath(raw: RawPath, collection: Collection): PathExpr {
  let segments = raw.segments;
  if (collection === 'devices.jobs') {
    // Why: Azure requires job fields to be written devices.jobs.<field>; a bare path would be a twin
    // field, and conditions on twin fields are not allowed in job queries.
    const [first, second] = segments;
    if (first?.toLowerCase() !== 'devices' || second?.toLowerCase() !== 'jobs' || segments.length < 3) {
      throw invalidAt(raw.pos, raw.text, 'fields of devices.jobs must be written devices.jobs.<field>');
    }
    segments = segments.slice(2);
  }
  const canonical = collection === 'devices.jobs' ? JOB_CANONICAL : TWIN_CANONICAL;
  const [head, ...rest] = segments;
  // Why: only the top level is case-insensitive; keys below tags/properties are case-sensitive like twin keys.
  const top = head === undefined ? undefined : (canonical.get(head.toLowerCase()) ?? head);
  return {
    kind: 'path',
    segments: top === undefined ? rest : [top, ...rest],
    pos: raw.pos,
    end: raw.end,
  };
}

/** Two canonical paths name the same property. */
export function samePath(a: PathExpr, b: PathExpr): boolean {
  return a.segments.length === b.segments.length && a.segments.every((s, i) => s === b.segments[i]);
}
