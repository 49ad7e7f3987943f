import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const logHandlers = (s: Services): HandlerMap => ({
  'logs:list': (i) => s.logs.list(i),
});
