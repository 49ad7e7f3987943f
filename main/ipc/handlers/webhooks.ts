import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const webhookHandlers = (s: Services): HandlerMap => ({
  'webhooks:list': () => s.webhooks.list(),
  'webhooks:create': (i) => s.webhooks.create(i),
  'webhooks:get': (i) => s.webhooks.get(i),
  'webhooks:update': (i) => s.webhooks.update(i),
  'webhooks:delete': (i) => s.webhooks.delete(i),
  'webhooks:rotateSecret': (i) => s.webhooks.rotateSecret(i),
  'webhooks:revealSecret': (i) => s.webhooks.revealSecret(i),
  'webhooks:deliveries': (i) => s.webhookDelivery.list(i),
  'webhooks:redeliver': (i) => s.webhookDelivery.redeliver(i.ids),
  'webhooks:test': (i) => s.webhookDelivery.test(i.id),
});
