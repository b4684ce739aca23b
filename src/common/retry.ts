import type { RetryOptions } from './types';

/**
 * The one backoff rule of the project: exponential from the config's initial retry time, capped at its max retry
 * time, no jitter (kafka-node's own schedules have none either, so both backends wait the same).
 */

export type BackoffSchedule = Pick<RetryOptions, 'initialRetryTimeMs' | 'maxRetryTimeMs'>;

/** Doublings past this cannot matter (and would overflow to Infinity): any max retry time is reached long before. */
const MAX_DOUBLINGS = 20;

/** How long to wait after `failures` failed attempts (1 for the first retry): initial * 2^(failures - 1), capped. */
export function backoffDelay(schedule: BackoffSchedule, failures: number): number {
  const doublings = Math.min(Math.max(failures - 1, 0), MAX_DOUBLINGS);
  return Math.min(schedule.initialRetryTimeMs * 2 ** doublings, schedule.maxRetryTimeMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits out the backoff after `failures` failed attempts (see backoffDelay). */
export function backOff(schedule: BackoffSchedule, failures: number): Promise<void> {
  return sleep(backoffDelay(schedule, failures));
}
