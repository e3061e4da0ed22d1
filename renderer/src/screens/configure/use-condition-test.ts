import { useEffect, useState } from 'react';
import { testConfigurationQueries } from '../../api/configurations';
import { countDevices } from '../../api/twin-query';
import { useSession } from '../../app/session';

/** The live check of a condition: how many devices it matches now, or what is wrong with it. */
export interface ConditionTest {
  state: 'empty' | 'checking' | 'ok' | 'error';
  count?: number;
  error?: string;
  /** Custom metric query errors by metric name (configurations only). */
  metricErrors: Record<string, string>;
}

/** How long typing must pause before the hub is asked. */
export const CONDITION_DEBOUNCE_MS = 400;

/**
 * Checks a condition while the operator types (debounced; an older answer never overwrites a
 * newer one). Configurations use `POST /configurations/testQueries` (the hub's own target-condition
 * rules, metric queries too); jobs count with `SELECT COUNT() … FROM devices WHERE <condition>`.
 */
export function useConditionTest(
  condition: string,
  mode: 'configuration' | 'job',
  metricQueries: Record<string, string> = {},
): ConditionTest {
  const { client } = useSession();
  const [result, setResult] = useState<ConditionTest>({ state: 'empty', metricErrors: {} });
  const metricsKey = JSON.stringify(metricQueries);

  useEffect(() => {
    const queries = JSON.parse(metricsKey) as Record<string, string>;
    if (condition.trim() === '' && Object.keys(queries).length === 0) {
      setResult({ state: 'empty', metricErrors: {} });
      return;
    }
    setResult((r) => ({ ...r, state: 'checking' }));
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        if (mode === 'configuration') {
          const answer = await testConfigurationQueries(
            client,
            { targetCondition: condition, customMetricQueries: queries },
            controller.signal,
          );
          if (controller.signal.aborted) return;
          setResult({
            state: answer.targetConditionError ? 'error' : 'ok',
            ...(answer.targetConditionError ? { error: answer.targetConditionError } : {}),
            ...(answer.targetedCount !== undefined ? { count: answer.targetedCount } : {}),
            metricErrors: answer.customMetricQueryErrors,
          });
        } else {
          const count = await countDevices(client, condition, controller.signal);
          if (!controller.signal.aborted) setResult({ state: 'ok', count, metricErrors: {} });
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        setResult({ state: 'error', error: (err as Error).message, metricErrors: {} });
      }
    }, CONDITION_DEBOUNCE_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, condition, mode, metricsKey]);
  return result;
}
