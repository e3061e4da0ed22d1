/** How a rule and its state are put in words. */
import type { AlertComparison, AlertRule, AlertState } from '@outpost/core';

const COMPARISON_WORDS: Record<AlertComparison, string> = {
  '>': 'more than',
  '>=': 'at least',
  '<': 'less than',
  '<=': 'at most',
};

/** "devices where tags.site = 'lisbon'" or "devices not seen for 15 min (where …)". */
export function ruleScope(rule: AlertRule): string {
  const where = rule.condition ? ` where ${rule.condition}` : '';
  return rule.kind === 'silent'
    ? `devices not seen for ${rule.silentMinutes} min${where}`
    : `devices${where}`;
}

/** "fires when more than 0 devices". */
export function ruleThreshold(rule: AlertRule): string {
  const n = rule.threshold;
  return `fires at ${COMPARISON_WORDS[rule.comparison]} ${n} ${n === 1 ? 'device' : 'devices'}`;
}

/** The state word of an alert. */
export function stateWord(alert: AlertState): string {
  if (alert.error) return 'cannot run';
  return alert.firing ? (alert.rule.severity === 'critical' ? 'critical' : 'firing') : 'ok';
}
