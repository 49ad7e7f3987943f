// Calendars, Video and Webhooks: the real (so far empty) lists; connecting and editing arrive later.
import { useEffect } from 'react';
import { CALENDAR_PROVIDERS, VIDEO_PROVIDERS, type CalendarIntegrationView, type VideoIntegrationView, type WebhookView } from '../../../shared/domain';
import { Badge } from '../../components/Badge';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { useDocumentTitle, useOrganizerZone } from '../../lib/hooks';
import { formatDateTime } from '../../lib/time';
import { useIntegrations } from '../../stores/integrations';
import { PROVIDER_LABEL } from './providers';

function Notice() {
  return (
    <p className="notice" role="note">
      Connecting accounts arrives in a later release. This list shows what is stored now.
    </p>
  );
}

function ActiveBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Disconnected</Badge>;
}

function when(ms: number | null, zone: string) {
  return ms === null ? <span className="muted">Never</span> : formatDateTime(ms, zone);
}

export function CalendarsPage() {
  useDocumentTitle('Calendars');
  const { calendars, loadCalendars } = useIntegrations();
  const zone = useOrganizerZone();
  useEffect(() => {
    void loadCalendars();
  }, [loadCalendars]);
  const columns: Column<CalendarIntegrationView>[] = [
    { key: 'provider', header: 'Provider', render: (c) => <span className="strong">{PROVIDER_LABEL[c.provider]}</span> },
    { key: 'account', header: 'Account', render: (c) => c.providerEmail ?? <span className="muted">Unknown</span> },
    { key: 'last', header: 'Last sync', render: (c) => when(c.lastSyncAt, zone) },
    { key: 'sync', header: 'Sync', render: (c) => (c.syncEnabled ? <Badge tone="info">On</Badge> : <Badge tone="neutral">Off</Badge>) },
    { key: 'errors', header: 'Sync errors', render: (c) => c.syncErrors },
    { key: 'status', header: 'Status', render: (c) => <ActiveBadge active={c.isActive} /> },
  ];
  return (
    <>
      <PageHeader title="Calendars" description={`Google Calendar, Outlook and Apple / CalDAV (${CALENDAR_PROVIDERS.length} providers) feed your busy times.`} />
      <Notice />
      {calendars.status === 'idle' || calendars.status === 'loading' ? (
        <LoadingState label="Loading calendars…" />
      ) : calendars.status === 'error' ? (
        <ErrorState title="Calendars could not be loaded" message={calendars.error ?? 'Unknown error'} onRetry={() => void loadCalendars()} />
      ) : calendars.items.length === 0 ? (
        <EmptyState title="No calendars connected">Connecting accounts arrives in a later release.</EmptyState>
      ) : (
        <Table caption="Calendar integrations" columns={columns} rows={calendars.items} rowKey={(c) => c.id} />
      )}
    </>
  );
}

export function VideoPage() {
  useDocumentTitle('Video');
  const { video, loadVideo } = useIntegrations();
  const zone = useOrganizerZone();
  useEffect(() => {
    void loadVideo();
  }, [loadVideo]);
  const columns: Column<VideoIntegrationView>[] = [
    { key: 'provider', header: 'Provider', render: (v) => <span className="strong">{PROVIDER_LABEL[v.provider]}</span> },
    { key: 'account', header: 'Account', render: (v) => v.providerEmail ?? <span className="muted">Unknown</span> },
    { key: 'auto', header: 'Auto links', render: (v) => (v.autoGenerateLinks ? <Badge tone="info">On</Badge> : <Badge tone="neutral">Off</Badge>) },
    { key: 'calls', header: 'API calls today', render: (v) => v.apiCallsToday },
    { key: 'last', header: 'Last API call', render: (v) => when(v.lastApiCall, zone) },
    { key: 'status', header: 'Status', render: (v) => <ActiveBadge active={v.isActive} /> },
  ];
  return (
    <>
      <PageHeader title="Video" description={`Zoom, Google Meet, Microsoft Teams and Webex (${VIDEO_PROVIDERS.length} providers) create meeting links for bookings.`} />
      <Notice />
      {video.status === 'idle' || video.status === 'loading' ? (
        <LoadingState label="Loading video integrations…" />
      ) : video.status === 'error' ? (
        <ErrorState title="Video integrations could not be loaded" message={video.error ?? 'Unknown error'} onRetry={() => void loadVideo()} />
      ) : video.items.length === 0 ? (
        <EmptyState title="No video providers connected">Connecting accounts arrives in a later release.</EmptyState>
      ) : (
        <Table caption="Video integrations" columns={columns} rows={video.items} rowKey={(v) => v.id} />
      )}
    </>
  );
}

export function WebhooksPage() {
  useDocumentTitle('Webhooks');
  const { webhooks, loadWebhooks } = useIntegrations();
  const columns: Column<WebhookView>[] = [
    { key: 'name', header: 'Name', render: (w) => <span className="strong">{w.name}</span> },
    { key: 'url', header: 'URL', className: 'col-url', render: (w) => <code>{w.webhookUrl}</code> },
    { key: 'events', header: 'Events', render: (w) => w.events.join(', ') || <span className="muted">None</span> },
    { key: 'retries', header: 'Retries', render: (w) => (w.retryFailed ? `Up to ${w.maxRetries}` : 'Off') },
    { key: 'status', header: 'Status', render: (w) => (w.isActive ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Paused</Badge>) },
  ];
  useEffect(() => {
    void loadWebhooks();
  }, [loadWebhooks]);
  return (
    <>
      <PageHeader title="Webhooks" description="Signed HTTP notifications to your own endpoints when bookings change." />
      <p className="notice" role="note">
        Creating, testing and redelivering webhooks arrives in a later release. This list shows what is stored now.
      </p>
      {webhooks.status === 'idle' || webhooks.status === 'loading' ? (
        <LoadingState label="Loading webhooks…" />
      ) : webhooks.status === 'error' ? (
        <ErrorState title="Webhooks could not be loaded" message={webhooks.error ?? 'Unknown error'} onRetry={() => void loadWebhooks()} />
      ) : webhooks.items.length === 0 ? (
        <EmptyState title="No webhooks yet">Adding webhooks arrives in a later release.</EmptyState>
      ) : (
        <Table caption="Webhooks" columns={columns} rows={webhooks.items} rowKey={(w) => w.id} />
      )}
    </>
  );
}
