// The calendar jobs on the durable scheduler. Pausing the scheduler pauses all of them.
import { z } from 'zod';
import { BookingsRepo } from '../db/repos/bookings';
import { CalendarSourcesRepo } from '../db/repos/calendar-sources';
import { IntegrationsRepo } from '../db/repos/integrations';
import type { CalendarIntegrationRow } from '../db/schema';
import type { Clock } from '../lib/clock';
import { PermanentError, RetryableError, type Scheduler } from '../scheduler';
import type { BookingCalendarWriter, BookingChange } from './booking-events';
import type { CalendarSyncEngine } from './engine';
import { classifyFailure } from './errors';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export const SYNC_JOB = 'sync_calendar_events';
export const RECONCILE_JOB = 'reconcile_calendar_events';
export const SYNC_ALL_JOB = 'sync_all_calendar_integrations';
export const CREATE_EVENT_JOB = 'create_calendar_event';
export const REMOVE_EVENT_JOB = 'remove_calendar_event';
export const SYNC_ALL_INTERVAL_MS = 5 * 60 * 1000;
const MINUTE = 60_000;
/** An automatic sync right after another one is skipped. */
export const RECENT_SYNC_MS = MINUTE;

/** Same key OAuthService uses for the first sync: one sync of an integration queued or running at a time. */
export const syncKey = (integrationId: string) => `sync:${integrationId}`;

const syncPayload = z.object({ integrationId: z.string().min(1), force: z.boolean().optional(), manual: z.boolean().optional() });
const reconcilePayload = z.object({ integrationId: z.string().min(1) });
const bookingPayload = z.object({
  bookingId: z.string().min(1),
  integrationId: z.string().min(1),
  change: z.enum(['created', 'rescheduled']).optional(),
});

export interface CalendarJobsDeps {
  db: Kysely<Database>;
  clock: Clock;
  organizerId: string;
  scheduler: Scheduler;
  engine: CalendarSyncEngine;
  writer: BookingCalendarWriter;
}

/** Minutes between syncs for an integration: fixed, or 'auto' (5 when busy, 30 when quiet). */
export async function intervalMinutes(d: CalendarJobsDeps, row: CalendarIntegrationRow): Promise<number> {
  const fixed = Number(row.sync_frequency);
  if (row.sync_frequency !== 'auto' && Number.isFinite(fixed) && fixed > 0) return fixed;
  const now = d.clock.now();
  const soon = await new BookingsRepo(d.db).list({
    organizerId: row.organizer_id,
    status: 'scheduled',
    from: now,
    to: now + 24 * 60 * MINUTE,
    limit: 1,
  });
  if (soon.rows.length > 0) return 5;
  // Changes in the last sync run (its calendar_sync log carries the counts).
  const last = (await new CalendarSourcesRepo(d.db).history(row.id, 10))
    .map((l) => (l.details ? (JSON.parse(l.details) as { pages?: number; upserted?: number; deleted?: number }) : {}))
    .find((x) => typeof x.pages === 'number');
  if (last && (last.upserted ?? 0) + (last.deleted ?? 0) > 0) return 5;
  return 30;
}

/** Enqueues a sync of every due integration, spread across the interval so they never start together. */
export async function enqueueDueSyncs(d: CalendarJobsDeps): Promise<number> {
  const now = d.clock.now();
  const due: CalendarIntegrationRow[] = [];
  for (const row of await new CalendarSourcesRepo(d.db).syncable(d.organizerId)) {
    const every = (await intervalMinutes(d, row)) * MINUTE;
    // Half a minute of slack so a 5-minute integration is not skipped by a tick that came slightly early.
    if (row.last_sync_at === null || now - row.last_sync_at >= every - 30_000) due.push(row);
  }
  const step = due.length > 0 ? Math.floor(SYNC_ALL_INTERVAL_MS / due.length) : 0;
  let queued = 0;
  for (const [i, row] of due.entries()) {
    const id = await d.scheduler.enqueue(SYNC_JOB, { integrationId: row.id }, { uniqueKey: syncKey(row.id), runAt: now + i * step });
    if (id !== null) queued++;
  }
  return queued;
}

export async function registerCalendarJobs(d: CalendarJobsDeps): Promise<void> {
  const { scheduler, engine, writer } = d;
  scheduler.register(
    SYNC_JOB,
    async (job) => {
      // The engine records provider failures itself (logs, error count, calendar state); only unexpected
      // errors (database) reach the scheduler.
      if (!job.payload.manual && !job.payload.force) {
        // A periodic tick that raced a sync finishing in the same pass has nothing to add.
        const row = await new IntegrationsRepo(d.db).getCalendar(job.payload.integrationId);
        if (row?.last_sync_at != null && d.clock.now() - row.last_sync_at < RECENT_SYNC_MS) return;
      }
      await engine.syncCalendar(job.payload.integrationId, {
        force: job.payload.force ?? false,
        manual: job.payload.manual ?? false,
        signal: job.signal,
      });
    },
    { payloadSchema: syncPayload, maxAttempts: 3 },
  );
  scheduler.register(
    RECONCILE_JOB,
    async (job) => {
      await engine.syncCalendar(job.payload.integrationId, { force: true, manual: true, signal: job.signal });
    },
    { payloadSchema: reconcilePayload, maxAttempts: 3 },
  );
  scheduler.register(SYNC_ALL_JOB, async () => {
    await enqueueDueSyncs(d);
  });
  const providerCall = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      const kind = classifyFailure(err);
      if (kind === 'auth' || kind === 'revoked') throw new PermanentError(err instanceof Error ? err.message : String(err), { cause: err });
      const after = (err as { details?: { retryAfterMs?: unknown } }).details?.retryAfterMs;
      throw new RetryableError(err instanceof Error ? err.message : String(err), {
        cause: err,
        retryAfterMs: typeof after === 'number' ? after : null,
      });
    }
  };
  scheduler.register(
    CREATE_EVENT_JOB,
    (job) => providerCall(() => writer.upsert(job.payload.bookingId, job.payload.integrationId, job.payload.change ?? 'created')),
    { payloadSchema: bookingPayload },
  );
  scheduler.register(REMOVE_EVENT_JOB, (job) => providerCall(() => writer.remove(job.payload.bookingId, job.payload.integrationId)), {
    payloadSchema: bookingPayload,
  });
  await scheduler.every(SYNC_ALL_JOB, SYNC_ALL_JOB, SYNC_ALL_INTERVAL_MS, null, { firstRunAt: d.clock.now() + MINUTE });
}

/** BookingsService's hook: one job per target integration and booking change. */
export function bookingChangeHandler(d: CalendarJobsDeps): (change: BookingChange, booking: { id: string }) => Promise<void> {
  return async (change, booking) => {
    const targets = await d.writer.targets(d.organizerId);
    for (const t of targets) {
      if (change === 'cancelled') {
        await d.scheduler.enqueue(REMOVE_EVENT_JOB, { bookingId: booking.id, integrationId: t.id });
      } else {
        await d.scheduler.enqueue(CREATE_EVENT_JOB, { bookingId: booking.id, integrationId: t.id, change });
      }
    }
  };
}
