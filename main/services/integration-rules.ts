// Domain rules of the spec for integrations: pure, so they are tested without a database.

/** Sync is switched off after this many consecutive failures (the spec's rule). */
export const MAX_CONSECUTIVE_SYNC_ERRORS = 5;

/** True when the access token has expired, or will within `skewMs`. Unknown expiry counts as not expired. */
export function isTokenExpired(tokenExpiresAt: number | null, now: number, skewMs = 0): boolean {
  if (tokenExpiresAt === null) return false;
  return now + skewMs >= tokenExpiresAt;
}

export interface SyncState {
  syncErrors: number;
  syncEnabled: boolean;
  lastSyncAt: number | null;
}

/** One more consecutive error; the fifth disables sync. */
export function markSyncError(s: SyncState): SyncState {
  const syncErrors = s.syncErrors + 1;
  return {
    syncErrors,
    syncEnabled: syncErrors >= MAX_CONSECUTIVE_SYNC_ERRORS ? false : s.syncEnabled,
    lastSyncAt: s.lastSyncAt,
  };
}

/** A successful sync resets the error count and records when it happened. */
export function markSyncSuccess(s: SyncState, now: number): SyncState {
  return { syncErrors: 0, syncEnabled: s.syncEnabled, lastSyncAt: now };
}
