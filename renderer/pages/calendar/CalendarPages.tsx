// /integrations/calendar/:id (status, calendars, Sync now / Force full sync, history) and …/settings.
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { LogEntry } from '../../../shared/domain';
import { getCalendar, syncNow, type CalendarDetail } from '../../api/calendar-sync';
import { ClientError, errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button, ButtonLink } from '../../components/Button';
import { CalendarSyncSettings } from '../../components/CalendarSyncSettings';
import { ConflictPreferenceCard } from '../../components/ConflictPreferenceField';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { SyncStatus } from '../../components/SyncStatus';
import { Table, type Column } from '../../components/Table';
import { useDocumentTitle, useOrganizerZone } from '../../lib/hooks';
import { formatDateTime } from '../../lib/time';
import { useSync } from '../../stores/sync';
import { toast } from '../../stores/toasts';
import { PROVIDER_LABEL } from '../integrations/providers';

type DetailLoad = { state: 'loading' } | { state: 'error'; message: string; gone: boolean } | { state: 'ready'; detail: CalendarDetail };

/** calendar:get (the integration, its calendars, its sync history), reloaded when a sync run of it ends. */
function useCalendar(id: string) {
  const [detail, setDetail] = useState<DetailLoad>({ state: 'loading' });
  const load = useCallback(async () => {
    try {
      setDetail({ state: 'ready', detail: await getCalendar(id) });
    } catch (err) {
      setDetail({ state: 'error', message: errorMessage(err), gone: err instanceof ClientError && err.code === 'NOT_FOUND' });
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  const progress = useSync((s) => s.progress[id]);
  const finished = progress && progress.state !== 'running' ? progress.at : null;
  useEffect(() => {
    if (finished) void load();
  }, [finished, load]);
  return { detail, setDetail, load, progress };
}

function title(d: CalendarDetail): string {
  return `${PROVIDER_LABEL[d.provider]}${d.providerEmail ? ` · ${d.providerEmail}` : ''}`;
}

function BackLink() {
  return (
    <p className="back-link">
      <Link to="/integrations/calendar">← Calendars</Link>
    </p>
  );
}

function useSyncActions(id: string) {
  const request = useSync((s) => s.request);
  const [pending, setPending] = useState<'sync' | 'force' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (force: boolean) => {
    setPending(force ? 'force' : 'sync');
    setError(null);
    request(id, true);
    try {
      const { jobId } = await syncNow(id, force);
      toast(jobId === null ? 'A sync of this account is already queued or running' : force ? 'Full sync queued' : 'Sync queued', 'info');
    } catch (err) {
      request(id, false);
      setError(errorMessage(err));
    } finally {
      setPending(null);
    }
  };
  return { pending, error, run };
}

function HistoryTable({ rows, zone }: { rows: LogEntry[]; zone: string }) {
  const columns: Column<LogEntry>[] = [
    { key: 'when', header: 'When', className: 'col-when', render: (l) => formatDateTime(l.createdAt, zone) },
    { key: 'type', header: 'Result', render: (l) => (l.success ? <Badge tone="success">Succeeded</Badge> : <Badge tone="danger">Failed</Badge>) },
    { key: 'message', header: 'What happened', render: (l) => l.message },
  ];
  return (
    <section className="detail-section" aria-labelledby="history-title">
      <h2 className="section-title" id="history-title">
        Sync history
      </h2>
      {rows.length === 0 ? (
        <EmptyState title="No syncs yet">Each sync of this account will be listed here with what it changed or why it failed.</EmptyState>
      ) : (
        <Table caption="Sync history" columns={columns} rows={rows} rowKey={(l) => l.id} />
      )}
    </section>
  );
}

export function CalendarDetailPage() {
  const { id = '' } = useParams();
  const zone = useOrganizerZone();
  const { detail, load, progress } = useCalendar(id);
  const requested = useSync((s) => !!s.requested[id]);
  const actions = useSyncActions(id);
  useDocumentTitle(detail.state === 'ready' ? title(detail.detail) : 'Calendar');

  if (detail.state === 'loading')
    return (
      <>
        <BackLink />
        <PageHeader title="Calendar" />
        <LoadingState label="Loading the calendar…" />
      </>
    );
  if (detail.state === 'error')
    return (
      <>
        <BackLink />
        <PageHeader title="Calendar" />
        {/* Retrying cannot bring back a removed connection. */}
        <ErrorState title="This calendar could not be loaded" message={detail.message} {...(detail.gone ? {} : { onRetry: () => void load() })} />
      </>
    );
  const d = detail.detail;
  const running = progress?.state === 'running' || requested;
  return (
    <>
      <BackLink />
      <PageHeader
        title={title(d)}
        description={d.serverUrl ? `CalDAV server ${d.serverUrl}` : 'Busy times from the selected calendars block your availability.'}
        actions={
          <>
            <Button onClick={() => void actions.run(false)} loading={actions.pending === 'sync'} disabled={running || d.status === 'disconnected'}>
              Sync now
            </Button>
            <Button onClick={() => void actions.run(true)} loading={actions.pending === 'force'} disabled={running || d.status === 'disconnected'}>
              Force full sync
            </Button>
            <ButtonLink to={`/integrations/calendar/${id}/settings`}>Settings</ButtonLink>
          </>
        }
      />
      <SyncStatus row={d} progress={progress} zone={zone} requested={requested} onSync={() => void actions.run(false)} syncError={actions.error} embedded />
      <section className="detail-section" aria-labelledby="calendars-title">
        <h2 className="section-title" id="calendars-title">
          Calendars in this account
        </h2>
        {d.calendars.length === 0 ? (
          <EmptyState title="No calendars listed yet">Sync once and the account’s calendars appear here.</EmptyState>
        ) : (
          <Table
            caption="Calendars in this account"
            rows={d.calendars}
            rowKey={(c) => c.id}
            columns={[
              { key: 'name', header: 'Calendar', render: (c) => <><span className="strong">{c.name}</span> {c.primary && <Badge tone="info">Primary</Badge>}</> },
              { key: 'blocks', header: 'Blocks availability', render: (c) => (c.selected ? <Badge tone="success">Yes</Badge> : <Badge>No</Badge>) },
              {
                key: 'state',
                header: 'Sync',
                render: (c) =>
                  c.accessState === 'ok' ? (
                    c.lastSyncAt ? formatDateTime(c.lastSyncAt, zone) : <span className="muted">Not yet</span>
                  ) : (
                    <>
                      <Badge tone="danger">{c.accessState === 'revoked' ? 'No access' : 'Failing'}</Badge>
                      {c.lastError && <div className="cell-sub status-reason">{c.lastError}</div>}
                    </>
                  ),
              },
            ]}
          />
        )}
        <p className="small">
          <Link to={`/integrations/calendar/${id}/settings`}>Choose which calendars block your availability</Link>
        </p>
      </section>
      <HistoryTable rows={d.history} zone={zone} />
    </>
  );
}

export function CalendarSettingsPage() {
  const { id = '' } = useParams();
  const { detail, setDetail, load } = useCalendar(id);
  useDocumentTitle(detail.state === 'ready' ? `Settings · ${title(detail.detail)}` : 'Calendar settings');
  return (
    <>
      <p className="back-link">
        <Link to={`/integrations/calendar/${id}`}>← Calendar</Link>
      </p>
      <PageHeader title={detail.state === 'ready' ? `Settings · ${title(detail.detail)}` : 'Calendar settings'} />
      {detail.state === 'loading' ? (
        <LoadingState label="Loading settings…" />
      ) : detail.state === 'error' ? (
        <ErrorState title="These settings could not be loaded" message={detail.message} {...(detail.gone ? {} : { onRetry: () => void load() })} />
      ) : (
        <>
          <CalendarSyncSettings
            key={detail.detail.id}
            detail={detail.detail}
            onSaved={(next) => {
              toast('Calendar settings saved', 'success');
              setDetail({ state: 'ready', detail: next });
            }}
          />
          <ConflictPreferenceCard />
        </>
      )}
    </>
  );
}
