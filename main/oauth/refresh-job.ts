// The `refresh_expired_tokens` job: renews access tokens a little before they expire, so provider calls
// rarely wait for a refresh (they still refresh on demand, see TokenManager.getAccessToken).
import type { Scheduler } from '../scheduler/scheduler';
import type { TokenManager } from './tokens';

export const REFRESH_JOB = 'refresh_expired_tokens';

export interface TokenRefreshJobOptions {
  /** How often the job runs (default 5 min). */
  everyMs?: number;
  /** Refresh tokens that expire within this much time (default 10 min; more than everyMs, so none slips by). */
  leadMs?: number;
}

export async function registerTokenRefreshJob(
  scheduler: Scheduler,
  tokens: Pick<TokenManager, 'refreshExpiring'>,
  opts: TokenRefreshJobOptions = {},
): Promise<number> {
  const everyMs = opts.everyMs ?? 5 * 60_000;
  const leadMs = opts.leadMs ?? 10 * 60_000;
  if (!scheduler.isRegistered(REFRESH_JOB)) {
    // Per-integration failures are handled (and logged, or turned into a disconnect) by the TokenManager; the
    // recurring run itself needs no retry: the next one comes in everyMs.
    scheduler.register(REFRESH_JOB, async () => {
      await tokens.refreshExpiring(leadMs);
    }, { maxAttempts: 1 });
  }
  return scheduler.every(REFRESH_JOB, REFRESH_JOB, everyMs);
}
