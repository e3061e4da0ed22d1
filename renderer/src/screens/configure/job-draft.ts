import type { JobDraft } from '../../api/jobs';
import { parseJsonObject } from '../../components/json-object-field';

/** The job form's text state. */
export interface JobForm {
  jobId: string;
  condition: string;
  type: 'scheduleUpdateTwin' | 'scheduleDeviceMethod';
  desiredText: string;
  tagsText: string;
  methodName: string;
  payloadText: string;
  responseTimeout: string;
  maxExecution: string;
}

/** A fresh form with a job id from the time (ids must be unique; the operator may change it). */
export function emptyJobForm(now = new Date()): JobForm {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return {
    jobId: `job-${stamp}`,
    condition: '',
    type: 'scheduleUpdateTwin',
    desiredText: '',
    tagsText: '',
    methodName: 'reboot',
    payloadText: '',
    responseTimeout: '30',
    maxExecution: '3600',
  };
}

/** What is wrong with each field, checked before the hub is asked. */
export interface JobProblems {
  jobId?: string;
  condition?: string;
  desired?: string;
  tags?: string;
  methodName?: string;
  payload?: string;
  responseTimeout?: string;
  maxExecution?: string;
}

function wholeSeconds(text: string, min: number, max: number): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** Checks the form and builds the job request, or says what is wrong. */
export function jobDraftOf(form: JobForm): { draft?: JobDraft; problems: JobProblems } {
  const p: JobProblems = {};
  if (form.jobId.trim() === '') p.jobId = 'Enter a job id.';
  if (form.condition.trim() === '')
    p.condition = "Enter a condition, e.g. tags.site = 'lisbon', or * for every device.";
  const maxExecution = wholeSeconds(form.maxExecution, 1, 7 * 24 * 3600);
  if (maxExecution === undefined) p.maxExecution = 'Enter whole seconds, 1 or more.';
  const base = {
    jobId: form.jobId.trim(),
    queryCondition: form.condition,
    maxExecutionTimeInSeconds: maxExecution ?? 3600,
  };
  if (form.type === 'scheduleUpdateTwin') {
    const desired = parseJsonObject(form.desiredText);
    const tags = parseJsonObject(form.tagsText);
    if (!desired.ok) p.desired = desired.error;
    if (!tags.ok) p.tags = tags.error;
    if (desired.ok && tags.ok && !desired.value && !tags.value)
      p.desired = 'Set desired properties, tags, or both.';
    if (Object.keys(p).length || !desired.ok || !tags.ok) return { problems: p };
    return {
      problems: p,
      draft: {
        ...base,
        type: 'scheduleUpdateTwin',
        updateTwin: {
          ...(tags.value ? { tags: tags.value } : {}),
          ...(desired.value ? { properties: { desired: desired.value } } : {}),
        },
      },
    };
  }
  if (form.methodName.trim() === '') p.methodName = 'Enter the method name, e.g. reboot.';
  let payload: unknown = null;
  if (form.payloadText.trim() !== '') {
    try {
      payload = JSON.parse(form.payloadText);
    } catch (err) {
      p.payload = `Not valid JSON: ${(err as Error).message}`;
    }
  }
  const responseTimeout = wholeSeconds(form.responseTimeout, 5, 300);
  if (responseTimeout === undefined) p.responseTimeout = 'Enter whole seconds from 5 to 300.';
  if (Object.keys(p).length) return { problems: p };
  return {
    problems: p,
    draft: {
      ...base,
      type: 'scheduleDeviceMethod',
      cloudToDeviceMethod: {
        methodName: form.methodName.trim(),
        payload,
        responseTimeoutInSeconds: responseTimeout ?? 30,
      },
    },
  };
}
