export {
  Scheduler,
  DEFAULT_MAX_ATTEMPTS,
  MAX_JOBS_PER_PASS,
  SCHEDULE_KEY_PREFIX,
  type EnqueueOptions,
  type EveryOptions,
  type JobContext,
  type JobHandler,
  type RegisterOptions,
  type SchedulerEvent,
  type SchedulerOptions,
} from './scheduler';
export { PermanentError, RetryableError, SchedulerError } from './errors';
export { parseRetryAfter, parseHttpDate } from './retry-after';
export { computeBackoff, backoffCeiling, DEFAULT_BACKOFF, type BackoffOptions, type Jitter } from './backoff';
export type { FailedJob, JobCounts } from './jobs-repo';
