import { z } from 'zod';

/** Who made a change: a SAS policy, a device, an operator, a job, or the hub itself. */
export const actorSchema = z.object({
  type: z.enum(['policy', 'device', 'user', 'job', 'system']),
  id: z.string(),
});
/** Who made a change. */
export type Actor = z.infer<typeof actorSchema>;

/** What a change did; past-tense facts, the same names as the typed events. */
export const changeKindSchema = z.enum([
  'deviceCreated',
  'deviceUpdated',
  'deviceDeleted',
  'twinTagsChanged',
  'twinDesiredChanged',
  'twinReportedChanged',
  'policyKeysChanged',
  // Scheduled jobs (core/src/jobs): a job document, and batches of its device rows.
  'jobCreated',
  'jobUpdated',
  'jobDevicesUpdated',
  // Automatic device configurations (core/src/configurations); the twin kind carries only the markers.
  'configurationCreated',
  'configurationUpdated',
  'configurationDeleted',
  'twinConfigurationsChanged',
  // Operator accounts (core/src/users): the patch never carries a password or its hash.
  'userCreated',
  'userRoleChanged',
  'userPasswordChanged',
  'userDeleted',
  // Fleet operations (core/src/fleet): a reboot or factory reset invoked on one device, with its result.
  'deviceOperationInvoked',
  // Alert rules (core/src/alerts): operator settings, audited like configurations.
  'alertRuleSaved',
  'alertRuleDeleted',
]);
/** What a change did. */
export type ChangeKind = z.infer<typeof changeKindSchema>;

/** One entry of the hub's change feed: the unit of audit, live updates and parent/child sync. */
export const changeSchema = z.object({
  /** Per-hub, strictly increasing from 1. */
  seq: z.number().int().positive(),
  /** Hybrid logical clock timestamp, sortable as a string (see feed/hlc.ts). */
  hlc: z.string(),
  /** The hubId of the hub where the change was made. */
  origin: z.string(),
  actor: actorSchema,
  kind: changeKindSchema,
  /** The record the change is about (a deviceId for devices and twins). */
  id: z.string(),
  /** ISO-8601 UTC wall time of the change. */
  at: z.string(),
  /** What changed: a merge patch, or the new values; never secrets. */
  patch: z.unknown(),
});
/** One entry of the hub's change feed. */
export type Change = z.infer<typeof changeSchema>;
