// Provider id → calendar adapter, each built over the shared HTTP layer (token, retries, api_calls, breaker).
import { AppError } from '../../../shared/errors';
import type { CalendarIntegrationRow } from '../../db/schema';
import type { ProviderConfigService } from '../../oauth/provider-config';
import type { Vault } from '../../secrets/vault';
import { fetchFor } from '../http/fetch-adapter';
import type { ProviderHttp } from '../http/provider-http';
import { createCalDavCalendarAdapter } from './caldav/sync';
import { createGoogleCalendarAdapter } from './google';
import { createOutlookCalendarAdapter } from './outlook';
import type { CalendarAdapter } from './types';

/** What the registry needs of a calendar integration (the stored row, secrets sealed). */
export type CalendarAccount = Pick<
  CalendarIntegrationRow,
  'id' | 'provider' | 'server_url' | 'username' | 'password' | 'provider_user_id'
>;

export interface CalendarAdapterDeps {
  http: ProviderHttp;
  config: ProviderConfigService;
  vault: Vault;
  clock?: { now(): number };
  /**
   * Outlook adapters per mailbox, kept for the core's lifetime: the 4-requests-in-flight limit lives in the
   * adapter, so a sync and a booking write for the same mailbox must share one. Keyed by id and API root.
   */
  outlookAdapters?: Map<string, CalendarAdapter>;
}

/** `calendar.get`, `calendar.post`… per request: enough for health metrics without leaking ids. */
const op = (prefix: string) => (method: string) => `${prefix}.${method.toLowerCase()}`;

export async function createCalendarAdapterFor(account: CalendarAccount, deps: CalendarAdapterDeps): Promise<CalendarAdapter> {
  const integration = { kind: 'calendar' as const, id: account.id };
  switch (account.provider) {
    case 'google': {
      const { endpoints } = await deps.config.view('google');
      return createGoogleCalendarAdapter({
        fetch: fetchFor(deps.http, { provider: 'google', operation: op('calendar'), integration }),
        apiRoot: endpoints.apiRoot,
      });
    }
    case 'outlook': {
      const { endpoints } = await deps.config.view('microsoft');
      const key = `${account.id}|${endpoints.apiRoot}`;
      const cached = deps.outlookAdapters?.get(key);
      if (cached) return cached;
      const adapter = createOutlookCalendarAdapter({
        fetch: fetchFor(deps.http, { provider: 'outlook', operation: op('calendar'), integration }),
        apiRoot: endpoints.apiRoot,
      });
      deps.outlookAdapters?.set(key, adapter);
      return adapter;
    }
    case 'apple': {
      if (!account.server_url || !account.username || !account.password) {
        throw new AppError('DISCONNECTED', 'This CalDAV account has no stored sign-in; connect it again.', { id: account.id });
      }
      // Basic auth from the sealed password, opened per adapter and never logged (ProviderHttp records no headers).
      const basic = Buffer.from(`${account.username}:${deps.vault.open(account.password)}`).toString('base64');
      return createCalDavCalendarAdapter({
        fetch: fetchFor(deps.http, {
          provider: 'apple',
          operation: op('caldav'),
          integration,
          auth: 'none',
          headers: { authorization: `Basic ${basic}` },
        }),
        serverUrl: account.server_url,
        ...(account.provider_user_id ? { principalUrl: account.provider_user_id } : {}),
        ...(deps.clock ? { now: () => deps.clock!.now() } : {}),
      });
    }
    default:
      throw new AppError('VALIDATION', `Unknown calendar provider "${String(account.provider)}".`);
  }
}
