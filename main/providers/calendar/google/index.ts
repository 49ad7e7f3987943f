export { createGoogleCalendarAdapter, FREEBUSY_MAX_MS, googleEventIdFor, type GoogleCalendarAdapterDeps } from './adapter';
