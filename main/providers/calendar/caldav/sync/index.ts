export { allInstancesId, CalDavError, createCalDavCalendarAdapter, type CalDavAdapterDeps } from './adapter';
export {
  bookingUid,
  buildBookingIcs,
  expandCalendarObject,
  isIanaZone,
  zoneFromCalendarTimezone,
  type ExpandedInstance,
  type ExpandOptions,
} from './ical';
