// The explicit record of migrations, in order. Names are ISO dates; a migration is frozen once shipped.
import type { Migration } from 'kysely';
import * as initial from './2026-11-25-initial';
import * as accounts from './2026-11-26-accounts';
import * as calendarSync from './2026-11-27-calendar-sync';
import * as webhooks from './2026-11-28-webhooks';
import * as webhookDeliveries from './2026-11-29-webhook-deliveries';
import * as webhookAutoDisable from './2026-11-30-webhook-auto-disable';
import * as blockedTimesLean from './2026-12-01-blocked-times-lean';

export const migrations: Record<string, Migration> = {
  '2026-11-25-initial': initial,
  '2026-11-26-accounts': accounts,
  '2026-11-27-calendar-sync': calendarSync,
  '2026-11-28-webhooks': webhooks,
  '2026-11-29-webhook-deliveries': webhookDeliveries,
  '2026-11-30-webhook-auto-disable': webhookAutoDisable,
  '2026-12-01-blocked-times-lean': blockedTimesLean,
};
