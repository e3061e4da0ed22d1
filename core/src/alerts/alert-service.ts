/**
 * The hub's alert rules: one document per rule, written with a change of the feed (`alertRuleSaved`,
 * `alertRuleDeleted`) so every edit is in the audit trail with its operator, and evaluated on
 * demand over the twins.
 */
import type { Actor } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { Clock } from '../ports/clock';
import { type AlertsNow, evaluateAlerts } from './alert-evaluation';
import {
  ALERT_RULES,
  type AlertRule,
  MAX_ALERT_RULES,
  parseAlertRuleId,
  parseAlertRuleInput,
} from './alert-rule';

/** How long one evaluation of every rule is served to every caller. */
export const EVALUATION_TTL_MS = 2_000;

/** Alert rules: reads are synchronous, writes resolve once durable. */
export interface AlertService {
  /** Every rule, by id. */
  list(): AlertRule[];
  get(id: string): AlertRule | undefined;
  /** Creates or replaces a rule from a PUT body; `created` tells which. */
  put(id: string, body: unknown, actor: Actor): Promise<{ rule: AlertRule; created: boolean }>;
  /** Deletes a rule; an unknown id is NOT_FOUND. */
  remove(id: string, actor: Actor): Promise<void>;
  /** Every rule evaluated now. */
  evaluate(): AlertsNow;
}

/** Creates the service over the rule documents loaded at start. */
export function createAlertService(deps: {
  feed: ChangeFeed;
  clock: Clock;
  initial: Iterable<unknown> | undefined;
  /** The twin documents of every device, as queries see them. */
  twins: () => Iterable<Record<string, unknown>>;
}): AlertService {
  const rules = new Map<string, AlertRule>();
  for (const doc of deps.initial ?? []) {
    const rule = doc as AlertRule;
    if (rule && typeof rule.id === 'string') rules.set(rule.id, rule);
  }
  const sorted = () => [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // An evaluation scans every twin; callers within EVALUATION_TTL_MS share one (every open UI polls,
  // and a tight loop of requests must not keep the event loop busy). A rule edit drops it.
  let cached: { at: number; result: AlertsNow } | undefined;

  return {
    list: () => sorted().map((r) => structuredClone(r)),
    get: (id) => {
      const rule = rules.get(id);
      return rule ? structuredClone(rule) : undefined;
    },
    async put(id, body, actor) {
      const ruleId = parseAlertRuleId(id);
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new HubError('INVALID_FORMAT', 'The body must be a JSON object describing the rule.');
      }
      const input = parseAlertRuleInput(body as Record<string, unknown>);
      const created = !rules.has(ruleId);
      if (created && rules.size >= MAX_ALERT_RULES) {
        throw new HubError('INVALID_ARGUMENT', `The hub keeps at most ${MAX_ALERT_RULES} alert rules.`);
      }
      const rule: AlertRule = {
        id: ruleId,
        ...input,
        updatedAt: new Date(deps.clock.now()).toISOString(),
        updatedBy: actor,
      };
      await deps.feed.append({
        kind: 'alertRuleSaved',
        actor,
        id: ruleId,
        patch: input,
        writes: [{ collection: ALERT_RULES, id: ruleId, doc: rule }],
      });
      rules.set(ruleId, rule);
      cached = undefined;
      return { rule: structuredClone(rule), created };
    },
    async remove(id, actor) {
      if (!rules.has(id)) throw new HubError('NOT_FOUND', `No alert rule ${id}.`);
      await deps.feed.append({
        kind: 'alertRuleDeleted',
        actor,
        id,
        patch: null,
        writes: [{ collection: ALERT_RULES, id, doc: null }],
      });
      rules.delete(id);
      cached = undefined;
    },
    evaluate: () => {
      const now = deps.clock.now();
      if (!cached || now - cached.at >= EVALUATION_TTL_MS || now < cached.at) {
        cached = { at: now, result: evaluateAlerts(sorted(), deps.twins(), now) };
      }
      return structuredClone(cached.result);
    },
  };
}
