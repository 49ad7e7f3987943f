// Calendar sync channels: calendar:get/update/listCalendars/sync/forceSync.
import { SYNC_FREQUENCIES as FREQS, type CalendarIntegrationDetail, type CalendarSourceView, type SyncFrequency, type SyncRequested } from '../../shared/domain';
import { call } from './client';

export type { SyncFrequency };
export const SYNC_FREQUENCIES: readonly SyncFrequency[] = FREQS;
export type CalendarDetail = CalendarIntegrationDetail;
export type CalendarSource = CalendarSourceView;

export const getCalendar = (id: string): Promise<CalendarDetail> => call('calendar:get', { id });

/** Asks the provider for the account's calendars again (a network call), and returns the stored list. */
export const refreshCalendars = (id: string): Promise<CalendarSource[]> => call('calendar:listCalendars', { id });

export interface CalendarPatch {
  syncEnabled?: boolean;
  syncFrequency?: SyncFrequency;
  /** CalendarSourceView ids of the calendars that block availability. */
  selectedCalendarIds?: string[];
}

export const updateCalendar = (id: string, patch: CalendarPatch): Promise<CalendarDetail> => call('calendar:update', { id, ...patch });

export const syncNow = (id: string, force = false): Promise<SyncRequested> => call(force ? 'calendar:forceSync' : 'calendar:sync', { id });
