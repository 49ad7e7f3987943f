// The sync window and its roll-forward rule.
//
// Rule: a calendar's window is fixed when a full sync baselines it ([now − past, now + future]); incremental
// syncs keep that window (a Graph delta link or a CalDAV expansion is bound to the window it started with).
// Once the window that a sync at `now` would compute starts more than 7 days after the stored start, the
// calendar is re-baselined: cursor dropped, full sync over the new window. So the stored window never lags
// the ideal one by more than a week (the future edge stays ≥ future − 7 days ahead).
import type { SyncWindow } from '../providers/calendar/types';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_WINDOW_PAST_DAYS = 30;
export const DEFAULT_WINDOW_FUTURE_DAYS = 365;
export const ROLL_FORWARD_DRIFT_MS = 7 * DAY_MS;
/** Settings keys (days) that override the defaults. */
export const SETTING_WINDOW_PAST_DAYS = 'calendarSync.windowPastDays';
export const SETTING_WINDOW_FUTURE_DAYS = 'calendarSync.windowFutureDays';

export function desiredWindow(now: number, pastDays = DEFAULT_WINDOW_PAST_DAYS, futureDays = DEFAULT_WINDOW_FUTURE_DAYS): SyncWindow {
  return { start: now - pastDays * DAY_MS, end: now + futureDays * DAY_MS };
}

export interface StoredWindowState {
  cursor: string | null;
  windowStart: number | null;
  windowEnd: number | null;
}

export type WindowDecision =
  | { mode: 'full'; window: SyncWindow; reason: 'forced' | 'no-cursor' | 'rolled-forward' | 'window-changed' }
  | { mode: 'incremental'; window: SyncWindow; cursor: string };

export function decideWindow(stored: StoredWindowState, desired: SyncWindow, force = false): WindowDecision {
  if (force) return { mode: 'full', window: desired, reason: 'forced' };
  if (stored.cursor === null || stored.windowStart === null || stored.windowEnd === null) {
    return { mode: 'full', window: desired, reason: 'no-cursor' };
  }
  if (desired.start - stored.windowStart > ROLL_FORWARD_DRIFT_MS) return { mode: 'full', window: desired, reason: 'rolled-forward' };
  // The user widened the window (settings): the stored one no longer covers what they asked for.
  if (desired.start < stored.windowStart || desired.end - ROLL_FORWARD_DRIFT_MS > stored.windowEnd) {
    return { mode: 'full', window: desired, reason: 'window-changed' };
  }
  return { mode: 'incremental', window: { start: stored.windowStart, end: stored.windowEnd }, cursor: stored.cursor };
}
