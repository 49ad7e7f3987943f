// zod input schemas for every implemented channel. Main parses every payload with these; the renderer
// may use them for form validation.
import { z } from 'zod';
import { BLOCK_SOURCES, BOOKING_STATUSES, INTEGRATION_TYPES, LOG_TYPES, THEMES } from '../domain';

/** True when `zone` is an IANA time zone the runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

// Epoch milliseconds between 1970 and the year 9999.
export const epochMs = z.number().int().min(0).max(253_402_300_799_999);
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: 'Not a known IANA time zone' });
export const id = z.string().uuid();
export const cursor = z.string().min(1).max(200);
export const limit = z.number().int().min(1).max(500);
const text = (max: number) => z.string().trim().min(1).max(max);
export const empty = z.object({}).strict();

const rangeOk = (v: { startUtc: number; endUtc: number }) => v.endUtc > v.startUtc;
const rangeMsg = { message: 'The end must be after the start', path: ['endUtc'] };

export const bookingsList = z
  .object({
    status: z.enum(BOOKING_STATUSES).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();

export const bookingsCreate = z
  .object({
    title: text(200),
    attendeeName: text(200),
    attendeeEmail: z.string().trim().max(320).email(),
    startUtc: epochMs,
    endUtc: epochMs,
    timeZone,
    notes: z.string().max(5000).optional(),
  })
  .strict()
  .refine(rangeOk, rangeMsg);

export const bookingsReschedule = z
  .object({ id, startUtc: epochMs, endUtc: epochMs, timeZone: timeZone.optional() })
  .strict()
  .refine(rangeOk, rangeMsg);

export const bookingsCancel = z.object({ id, reason: z.string().max(1000).optional() }).strict();
export const bookingsComplete = z.object({ id }).strict();

export const blocksList = z
  .object({
    source: z.enum(BLOCK_SOURCES).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();

export const blocksCreate = z
  .object({
    title: z.string().trim().max(200).optional(),
    startUtc: epochMs,
    endUtc: epochMs,
    timeZone,
    allDay: z.boolean().optional(),
  })
  .strict()
  .refine(rangeOk, rangeMsg);

export const blocksDelete = z.object({ id }).strict();

export const logsList = z
  .object({
    cursor: cursor.optional(),
    limit: limit.optional(),
    logType: z.enum(LOG_TYPES).optional(),
    integrationType: z.enum(INTEGRATION_TYPES).optional(),
    success: z.boolean().optional(),
    bookingId: id.optional(),
    q: z.string().trim().min(1).max(200).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
  })
  .strict();

export const settingsUpdate = z
  .object({
    organizerName: text(200).optional(),
    organizerEmail: z.string().trim().max(320).email().nullable().optional(),
    timeZone: timeZone.optional(),
    theme: z.enum(THEMES).optional(),
    schedulerPaused: z.boolean().optional(),
  })
  .strict();

/** Channels whose issue has not landed accept anything and answer NOT_IMPLEMENTED. */
export const notImplementedInput = z.unknown();
