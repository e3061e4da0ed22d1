/**
 * Alert rules: saved twin conditions with a device-count threshold, stored on the hub so every
 * operator sees the same ones. `query` rules count the devices matching a WHERE condition
 * ("properties.reported.battery < 20"); `silent` rules count the devices seen before but not within
 * `silentMinutes` (optionally narrowed by a condition). A rule fires when its count passes the threshold.
 */
import type { Actor } from '../contracts/change';
import { HubError } from '../errors';
import { parseCondition } from '../query';

/** How a rule picks devices. */
export type AlertRuleKind = 'query' | 'silent';
/** How the count is compared with the threshold. */
export type AlertComparison = '>' | '>=' | '<' | '<=';
/** How loud a firing rule is. */
export type AlertSeverity = 'warning' | 'critical';

/** A stored alert rule. */
export interface AlertRule {
  id: string;
  /** What operators read in lists. */
  name: string;
  kind: AlertRuleKind;
  /** The WHERE condition (required for `query`, an optional narrowing for `silent`). */
  condition?: string;
  /** For `silent` rules: minutes without activity. */
  silentMinutes?: number;
  comparison: AlertComparison;
  threshold: number;
  severity: AlertSeverity;
  updatedAt: string;
  updatedBy: Actor;
}

/** What a caller sends to save a rule (PUT body). */
export type AlertRuleInput = Omit<AlertRule, 'id' | 'updatedAt' | 'updatedBy'>;

/** The store collection of rules. */
export const ALERT_RULES = 'alert-rules';
/** Most rules a hub keeps: each is evaluated over every twin on every read of the alerts. */
export const MAX_ALERT_RULES = 100;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const COMPARISONS: readonly AlertComparison[] = ['>', '>=', '<', '<='];
const MAX_NAME = 120;

/** The rule id in `value`, or INVALID_ARGUMENT. */
export function parseAlertRuleId(value: unknown): string {
  if (typeof value !== 'string' || !ID_RE.test(value)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      'The rule id must be 1 to 64 letters, digits or ._- characters, starting with a letter or digit.',
    );
  }
  return value;
}

function optionalCondition(value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (required) throw new HubError('INVALID_ARGUMENT', 'A query rule needs a condition.');
    return undefined;
  }
  if (typeof value !== 'string') throw new HubError('INVALID_ARGUMENT', 'condition must be a string.');
  // Parsed now so a rule that cannot run is refused when it is saved, not when it is read.
  parseCondition(value);
  return value.trim();
}

/** Validates a PUT body into a rule input; says what is wrong and where. */
export function parseAlertRuleInput(body: Record<string, unknown>): AlertRuleInput {
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (name === '' || name.length > MAX_NAME) {
    throw new HubError('INVALID_ARGUMENT', `name must be 1 to ${MAX_NAME} characters.`);
  }
  const kind = body.kind ?? 'query';
  if (kind !== 'query' && kind !== 'silent') {
    throw new HubError('INVALID_ARGUMENT', "kind must be 'query' or 'silent'.");
  }
  const comparison = body.comparison ?? '>';
  if (!COMPARISONS.includes(comparison as AlertComparison)) {
    throw new HubError('INVALID_ARGUMENT', `comparison must be one of ${COMPARISONS.join(' ')}.`);
  }
  const threshold = body.threshold ?? 0;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > 1e9) {
    throw new HubError('INVALID_ARGUMENT', 'threshold must be a whole number of devices from 0.');
  }
  const severity = body.severity ?? 'warning';
  if (severity !== 'warning' && severity !== 'critical') {
    throw new HubError('INVALID_ARGUMENT', "severity must be 'warning' or 'critical'.");
  }
  const condition = optionalCondition(body.condition, kind === 'query');
  let silentMinutes: number | undefined;
  if (kind === 'silent') {
    const m = body.silentMinutes;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 43_200) {
      throw new HubError(
        'INVALID_ARGUMENT',
        'A silent rule needs silentMinutes, a whole number from 1 to 43200.',
      );
    }
    silentMinutes = m;
  }
  return {
    name,
    kind,
    ...(condition !== undefined ? { condition } : {}),
    ...(silentMinutes !== undefined ? { silentMinutes } : {}),
    comparison: comparison as AlertComparison,
    threshold,
    severity,
  };
}

/** True when `count` passes the rule's threshold. */
export function passesThreshold(count: number, comparison: AlertComparison, threshold: number): boolean {
  switch (comparison) {
    case '>':
      return count > threshold;
    case '>=':
      return count >= threshold;
    case '<':
      return count < threshold;
    case '<=':
      return count <= threshold;
  }
}
