import { z } from 'zod';
import { type RouteSpec, read } from './route-spec';

const testQueriesBody = z.object({
  targetCondition: z.string().optional().describe("A WHERE expression without WHERE, or '*'"),
  customMetricQueries: z.record(z.string(), z.string()).optional(),
});

/** Configuration routes added for the operator UI's configuration editor. */
export const CONFIGURATION_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/configurations/testQueries',
    summary:
      'Test a draft configuration: errors of the target condition and custom metric queries, and the devices the condition matches now (targetedCount)',
    tag: 'configurations',
    auth: read,
    apiVersion: true,
    request: testQueriesBody,
    responses: { 200: '{targetConditionError, customMetricQueryErrors, targetedCount?}' },
    errors: [400],
  },
];
