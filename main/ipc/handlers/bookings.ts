import type { Services } from '../../services';
import type { HandlerMap } from '../router';

export const bookingHandlers = (s: Services): HandlerMap => ({
  'bookings:list': (i) => s.bookings.list(i),
  'bookings:create': (i) => s.bookings.create(i),
  'bookings:reschedule': (i) => s.bookings.reschedule(i),
  'bookings:cancel': (i) => s.bookings.cancel(i),
  'bookings:complete': (i) => s.bookings.complete(i),
});
