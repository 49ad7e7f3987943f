import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const availabilityHandlers = (s: Services): HandlerMap => ({
  'availability:get': (i) => s.bookings.availability.get(i),
  'availability:explain': (i) => s.bookings.availability.explain(i),
});
