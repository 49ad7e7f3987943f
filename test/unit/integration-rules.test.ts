import { describe, expect, it } from 'vitest';
import {
  isTokenExpired,
  markSyncError,
  markSyncSuccess,
  MAX_CONSECUTIVE_SYNC_ERRORS,
  type SyncState,
} from '../../main/services/integration-rules';

describe('integration domain rules', () => {
  it('isTokenExpired compares the expiry with now, with optional skew', () => {
    expect(isTokenExpired(null, 1_000)).toBe(false);
    expect(isTokenExpired(2_000, 1_000)).toBe(false);
    expect(isTokenExpired(2_000, 2_000)).toBe(true);
    expect(isTokenExpired(2_000, 2_001)).toBe(true);
    expect(isTokenExpired(2_000, 1_000, 1_000)).toBe(true);
    expect(isTokenExpired(2_000, 999, 1_000)).toBe(false);
  });

  it('markSyncError counts consecutive errors and disables sync on the fifth', () => {
    let s: SyncState = { syncErrors: 0, syncEnabled: true, lastSyncAt: 5 };
    for (let i = 1; i < MAX_CONSECUTIVE_SYNC_ERRORS; i++) {
      s = markSyncError(s);
      expect(s).toEqual({ syncErrors: i, syncEnabled: true, lastSyncAt: 5 });
    }
    s = markSyncError(s);
    expect(s).toEqual({ syncErrors: 5, syncEnabled: false, lastSyncAt: 5 });
    expect(MAX_CONSECUTIVE_SYNC_ERRORS).toBe(5);
  });

  it('markSyncSuccess resets the count and sets the last sync, keeping the enabled flag', () => {
    expect(markSyncSuccess({ syncErrors: 3, syncEnabled: true, lastSyncAt: null }, 42)).toEqual({
      syncErrors: 0,
      syncEnabled: true,
      lastSyncAt: 42,
    });
    // Success does not silently re-enable a sync the user (or the fifth error) switched off.
    expect(markSyncSuccess({ syncErrors: 5, syncEnabled: false, lastSyncAt: 1 }, 42).syncEnabled).toBe(false);
  });
});
