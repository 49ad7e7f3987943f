import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const blockHandlers = (s: Services): HandlerMap => ({
  'blocks:list': (i) => s.blocks.list(i),
  'blocks:create': (i) => s.blocks.create(i),
  'blocks:delete': (i) => s.blocks.delete(i),
});
