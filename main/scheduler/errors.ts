// Errors a job handler throws to steer the scheduler, plus the one the scheduler throws on misuse.

/** A failure worth retrying. `retryAfterMs` (e.g. from a Retry-After header) wins over the backoff. */
export class RetryableError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { retryAfterMs?: number | null; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableError';
    const after = options?.retryAfterMs;
    this.retryAfterMs = after === undefined || after === null || !Number.isFinite(after) ? undefined : after;
  }
}

/** A failure that no retry can fix (bad input, revoked access): the job fails at once. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentError';
  }
}

/** Programming errors in the use of the scheduler (unknown type, duplicate registration, bad options). */
export class SchedulerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerError';
  }
}
