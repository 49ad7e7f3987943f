import type { AppInfo } from '../../shared/domain';
import type { Services } from '../services';
import type { AccountServices } from '../services/accounts';
import type { CalendarSyncService } from '../sync/service';
import { accountHandlers } from './handlers/accounts';
import { availabilityHandlers } from './handlers/availability';
import { blockHandlers } from './handlers/blocks';
import { bookingHandlers } from './handlers/bookings';
import { calendarHandlers } from './handlers/calendar';
import { integrationHandlers } from './handlers/integrations';
import { logHandlers } from './handlers/logs';
import { settingsHandlers } from './handlers/settings';
import { webhookHandlers } from './handlers/webhooks';
import { combineHandlers, Router, type RouterOptions } from './router';

export function createRouter(
  services: Services,
  accounts: AccountServices,
  appInfo: AppInfo,
  options: RouterOptions = {},
  domains: { calendar: CalendarSyncService },
): Router {
  return new Router(
    combineHandlers(
      bookingHandlers(services),
      blockHandlers(services),
      logHandlers(services),
      settingsHandlers(services),
      integrationHandlers(services),
      webhookHandlers(services),
      accountHandlers(accounts, appInfo),
      calendarHandlers(domains.calendar),
      availabilityHandlers(services),
    ),
    options,
  );
}
