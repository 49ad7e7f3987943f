import type { AppInfo } from '../../../shared/domain';
import type { AccountServices } from '../../services/accounts';
import type { HandlerMap } from '../router';

export const accountHandlers = (a: AccountServices, appInfo: AppInfo): HandlerMap => ({
  'oauth:initiate': (i) => a.oauth.initiate(i),
  'oauth:callback': (i) => a.oauth.complete(i.url),
  'caldav:connect': (i) => a.connectCalDav(i),
  'calendar:disconnect': (i) => a.disconnect({ kind: 'calendar', id: i.id }),
  'video:disconnect': (i) => a.disconnect({ kind: 'video', id: i.id }),
  'notifications:list': (i) => a.notifications.list(i),
  'notifications:markRead': (i) => a.notifications.markRead(i),
  'providers:get': () => a.providers.list(),
  'providers:update': (i) => a.providers.update(i),
  'app:info': async () => appInfo,
});
