import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const integrationHandlers = (s: Services): HandlerMap => ({
  'calendar:list': () => s.integrations.listCalendars(),
  'video:list': () => s.integrations.listVideo(),
});
