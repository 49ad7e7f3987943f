import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const settingsHandlers = (s: Services): HandlerMap => ({
  'settings:get': () => s.settings.get(),
  'settings:update': (i) => s.settings.update(i),
  'overview:get': () => s.overview.get(),
});
