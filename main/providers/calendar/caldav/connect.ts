// `caldav:connect`: sign in to Apple iCloud or any CalDAV server with a (app-specific) password, validated by
// real discovery before anything is stored. A failed attempt changes nothing; the password is stored sealed.
import type { Kysely } from 'kysely';
import type { CalendarIntegrationView } from '../../../../shared/domain';
import { AppError } from '../../../../shared/errors';
import type { AccountsRepo } from '../../../db/repos/accounts';
import { IntegrationsRepo } from '../../../db/repos/integrations';
import type { Database } from '../../../db/schema';
import type { Clock } from '../../../lib/clock';
import type { PushBus } from '../../../lib/push-bus';
import type { Vault } from '../../../secrets/vault';
import type { LogsService } from '../../../services/logs-service';
import { toCalendarView } from '../../../services/mappers';
import { type CalDavCredentials, type CalDavDiscovery, discoverCalDav } from './discover';

export interface CalDavConnectDeps {
  db: Kysely<Database>;
  accounts: AccountsRepo;
  vault: Vault;
  clock: Clock;
  logs: LogsService;
  pushes: PushBus;
  organizerId: string;
  /** Per-request timeout of the discovery (default 15 s). */
  fetchTimeoutMs?: number;
  /** The HTTP layer's fetch, once it exists; defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

export type CalDavConnectInput = CalDavCredentials;

export interface CalDavConnectResult {
  view: CalendarIntegrationView;
  discovery: CalDavDiscovery;
  created: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Like connectCalDav, but also returns what discovery found (the calendar list) and whether it was new. */
export async function connectCalDavDetailed(deps: CalDavConnectDeps, input: CalDavConnectInput): Promise<CalDavConnectResult> {
  const discovery = await discoverCalDav(input, { fetchTimeoutMs: deps.fetchTimeoutMs, fetch: deps.fetch });
  const now = deps.clock.now();
  const { id, created } = await deps.accounts.upsertCalDav(
    {
      organizerId: deps.organizerId,
      serverUrl: discovery.serverUrl,
      username: input.username,
      password: deps.vault.seal(input.password),
      calendarId: discovery.calendars[0]!.url,
      providerUserId: discovery.principalUrl,
    },
    now,
  );
  const row = await new IntegrationsRepo(deps.db).getCalendar(id);
  if (!row) throw new AppError('INTERNAL', 'The calendar connection was saved but could not be read back.');
  const view = toCalendarView(row);

  await deps.logs.append({
    logType: 'calendar_sync',
    integrationType: 'calendar',
    integrationId: id,
    success: true,
    message: `Connected CalDAV calendar account ${input.username} at ${discovery.host}: ${plural(discovery.calendars.length, 'calendar')} found`,
    details: {
      serverUrl: discovery.serverUrl,
      calendars: discovery.calendars.map((c) => ({ url: c.url, name: c.displayName })),
      reconnected: !created,
    },
  });
  deps.pushes.emit('integration:changed', {
    integrationType: 'calendar',
    id,
    provider: view.provider,
    change: created ? 'created' : 'updated',
  });
  return { view, discovery, created };
}

/** Discovers, stores (sealed password), logs and pushes `integration:changed`; returns the integration view. */
export async function connectCalDav(deps: CalDavConnectDeps, input: CalDavConnectInput): Promise<CalendarIntegrationView> {
  return (await connectCalDavDetailed(deps, input)).view;
}
