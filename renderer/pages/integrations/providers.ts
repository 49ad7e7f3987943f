import type { CalendarProvider, VideoProvider } from '../../../shared/domain';

export const PROVIDER_LABEL: Record<CalendarProvider | VideoProvider, string> = {
  google: 'Google Calendar',
  outlook: 'Outlook',
  apple: 'Apple / CalDAV',
  zoom: 'Zoom',
  google_meet: 'Google Meet',
  microsoft_teams: 'Microsoft Teams',
  webex: 'Webex',
};

/** Names for the `connect` routes, which take the seed's provider values. */
export function providerName(provider: string | undefined): string | null {
  if (!provider) return null;
  if (provider in PROVIDER_LABEL) return PROVIDER_LABEL[provider as CalendarProvider | VideoProvider];
  return null;
}
