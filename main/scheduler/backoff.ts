// Exponential backoff with jitter (AWS "Exponential Backoff and Jitter"): base * factor^(attempt-1), capped.

export type Jitter = 'full' | 'equal' | 'none';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** full: uniform in [0, d]; equal: uniform in [d/2, d] (never retries at once); none: d. Default equal. */
  jitter?: Jitter;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseMs: 10_000,
  maxMs: 60 * 60_000,
  factor: 2,
  jitter: 'equal',
};

/** The capped delay before jitter for a 1-based attempt number. */
export function backoffCeiling(attempt: number, opts: BackoffOptions): number {
  const factor = opts.factor ?? DEFAULT_BACKOFF.factor;
  const n = Math.max(1, Math.floor(attempt));
  // Math.pow overflows to Infinity for large n; min() keeps it at the cap.
  return Math.max(0, Math.min(opts.maxMs, opts.baseMs * Math.pow(factor, n - 1)));
}

/** Delay in whole ms before retrying after the given (1-based) failed attempt. `random` returns [0, 1). */
export function computeBackoff(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, opts);
  const r = Math.min(Math.max(random(), 0), 1);
  switch (opts.jitter ?? DEFAULT_BACKOFF.jitter) {
    case 'none':
      return Math.round(ceiling);
    case 'full':
      return Math.floor(r * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + (r * ceiling) / 2);
  }
}

export function validateBackoff(opts: BackoffOptions): void {
  const ok =
    Number.isFinite(opts.baseMs) &&
    opts.baseMs >= 0 &&
    Number.isFinite(opts.maxMs) &&
    opts.maxMs >= opts.baseMs &&
    (opts.factor === undefined || (Number.isFinite(opts.factor) && opts.factor >= 1));
  if (!ok) throw new RangeError(`Invalid backoff options: ${JSON.stringify(opts)}`);
}
