/**
 * The reboot and factory-reset patterns as steps the Device screen shows: requested → accepted by
 * the device → in progress (the device's reported status, e.g. `rebooting`) → done.
 */
import type { DeviceOperationView } from '@outpost/core';

/** One step of the pattern and whether it is past, current or still ahead. */
export interface OperationStep {
  label: string;
  state: 'done' | 'current' | 'ahead' | 'failed';
}

/** The reported member that carries an operation's progress. */
export const PROGRESS_MEMBER = { reboot: 'rebootStatus', 'factory-reset': 'factoryResetStatus' } as const;

const IN_PROGRESS_WORD = { reboot: 'Rebooting', 'factory-reset': 'Resetting' } as const;

/** The status word a device reports in a progress member (`{status: 'rebooting', …}`). */
export function reportedStatusWord(progress: unknown): string | undefined {
  if (!progress || typeof progress !== 'object') return undefined;
  const status = (progress as { status?: unknown }).status;
  return typeof status === 'string' ? status : undefined;
}

/** The steps of the last operation, from the hub's view of it (`GET /api/v1/devices/{id}/operations`). */
export function operationSteps(view: DeviceOperationView): OperationStep[] {
  const op = view.lastOperation;
  if (!op) return [];
  const order = ['pending', 'accepted', 'inProgress', 'done'] as const;
  const labels = ['Requested', 'Accepted by the device', IN_PROGRESS_WORD[op.operation], 'Done'];
  if (view.phase === 'failed') {
    // Where it failed: the method call (no answer) or the device's own report.
    const failedAt = op.state === 'failed' ? 1 : 2;
    return labels.map((label, i) => ({
      label: i === failedAt ? `${label}: failed` : label,
      state: i < failedAt ? 'done' : i === failedAt ? 'failed' : 'ahead',
    }));
  }
  const at = view.phase === 'none' ? -1 : order.indexOf(view.phase);
  return labels.map((label, i) => ({
    label,
    state: i < at || (view.phase === 'done' && i === at) ? 'done' : i === at ? 'current' : 'ahead',
  }));
}
