/**
 * `GET /api/v1/alerts`: every rule evaluated now, in one pass over the twins. A rule that no longer
 * runs (its condition failed to compile after an upgrade) is reported with its error, never thrown.
 */
import { NEVER } from '../contracts/device';
import { type Condition, parseCondition } from '../query';
import { type AlertRule, passesThreshold } from './alert-rule';

/** One rule's state now. */
export interface AlertState {
  rule: AlertRule;
  /** Devices the rule matches. */
  count: number;
  /** The first matching device ids, sorted (at most {@link MAX_ALERT_DEVICE_IDS}). */
  deviceIds: string[];
  firing: boolean;
  /** Why the rule could not be evaluated; such a rule never fires. */
  error?: string;
}

/** Every rule's state now. */
export interface AlertsNow {
  evaluatedAt: string;
  /** Rules firing now. */
  firing: number;
  alerts: AlertState[];
}

/** Longest id list per rule; `count` always holds the full number. */
export const MAX_ALERT_DEVICE_IDS = 20;

interface Compiled {
  rule: AlertRule;
  condition?: Condition;
  /** For silent rules: activity before this ms counts as silence. */
  silentBefore?: number;
  error?: string;
  ids: string[];
  count: number;
}

function compile(rule: AlertRule, nowMs: number): Compiled {
  const base: Compiled = { rule, ids: [], count: 0 };
  try {
    if (rule.condition !== undefined) base.condition = parseCondition(rule.condition);
  } catch (err) {
    base.error = (err as Error).message;
  }
  if (rule.kind === 'silent') base.silentBefore = nowMs - (rule.silentMinutes ?? 60) * 60_000;
  return base;
}

function isSilent(doc: Record<string, unknown>, before: number): boolean {
  const last = doc.lastActivityTime;
  // Never-connected devices are not silent (fleet-summary.ts lists them on their own).
  if (typeof last !== 'string' || last === NEVER) return false;
  const ms = Date.parse(last);
  return !Number.isNaN(ms) && ms < before;
}

/** Evaluates `rules` over the twin documents `twins` (devices in any order). */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  twins: Iterable<Record<string, unknown>>,
  nowMs: number,
): AlertsNow {
  const compiled = rules.map((r) => compile(r, nowMs));
  const runnable = compiled.filter((c) => c.error === undefined);
  for (const doc of twins) {
    for (const c of runnable) {
      if (c.silentBefore !== undefined && !isSilent(doc, c.silentBefore)) continue;
      if (c.condition && !c.condition.test(doc)) continue;
      c.count += 1;
      c.ids.push(String(doc.deviceId));
      // Only the first ids (in order) are answered: trim as we go, so a rule matching the whole
      // fleet holds a few dozen strings, not one per device.
      if (c.ids.length >= 4 * MAX_ALERT_DEVICE_IDS) c.ids = c.ids.sort().slice(0, MAX_ALERT_DEVICE_IDS);
    }
  }
  const alerts = compiled.map((c): AlertState => {
    const firing = c.error === undefined && passesThreshold(c.count, c.rule.comparison, c.rule.threshold);
    const deviceIds = c.ids.sort().slice(0, MAX_ALERT_DEVICE_IDS);
    return { rule: c.rule, count: c.count, deviceIds, firing, ...(c.error ? { error: c.error } : {}) };
  });
  return {
    evaluatedAt: new Date(nowMs).toISOString(),
    firing: alerts.filter((a) => a.firing).length,
    alerts,
  };
}
