import type { DeviceJobStatistics, JobResponse } from '@outpost/core';

/** True for a job status that never changes again. */
export function isFinished(status: JobResponse['status']): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The badge class of a job or device-row status. */
export function statusBadge(status: string): string {
  if (status === 'completed') return 'badge-ok';
  if (status === 'failed') return 'badge-bad';
  if (status === 'cancelled' || status === 'canceled') return 'badge-muted';
  return 'badge-warn';
}

/** "Twin update" or "Method reboot". */
export function jobKind(job: JobResponse): string {
  return job.type === 'scheduleUpdateTwin'
    ? 'Twin update'
    : `Method ${job.cloudToDeviceMethod?.methodName ?? '?'}`;
}

/** Devices done (succeeded or failed) of all. */
export function doneCount(stats: DeviceJobStatistics): number {
  return stats.succeededCount + stats.failedCount;
}
