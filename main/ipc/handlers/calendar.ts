import type { CalendarSyncService } from '../../sync/service';
import type { HandlerMap } from '../router';

export const calendarHandlers = (c: CalendarSyncService): HandlerMap => ({
  'calendar:get': ({ id }) => c.get(id),
  'calendar:update': (input) => c.update(input),
  'calendar:listCalendars': ({ id }) => c.listCalendars(id),
  'calendar:sync': ({ id }) => c.sync(id),
  'calendar:forceSync': ({ id }) => c.forceSync(id),
});
