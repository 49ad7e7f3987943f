// Calendars and Video: connected accounts with their status, Connect / Reconnect / Disconnect, kept live by
// `integration:changed`. (Webhooks have their own pages in ../webhooks.)
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { CALENDAR_PROVIDERS, VIDEO_PROVIDERS, type CalendarIntegrationView, type DisconnectResult, type VideoIntegrationView } from '../../../shared/domain';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button, ButtonLink } from '../../components/Button';
import { Dialog, DialogActions } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { useDocumentTitle, useOrganizerZone, usePush } from '../../lib/hooks';
import { formatDateTime, relativeTime } from '../../lib/time';
import { syncNow } from '../../api/calendar-sync';
import { useIntegrations } from '../../stores/integrations';
import { useSync } from '../../stores/sync';
import { toast } from '../../stores/toasts';
import { connectPath, notAllowedSentence, PROVIDER_LABEL, targetOf, type ConnectKind } from './providers';

type Row = CalendarIntegrationView | VideoIntegrationView;

function StatusCell({ row }: { row: Row }) {
  if (row.status === 'disconnected')
    return (
      <>
        <Badge tone="danger">Disconnected</Badge>
        {row.statusReason && <div className="cell-sub status-reason">{row.statusReason}</div>}
      </>
    );
  if (row.missingScopes.length > 0)
    return (
      <>
        <Badge tone="warning">Missing permissions</Badge>
        <div className="cell-sub status-reason">{row.missingScopes.map(notAllowedSentence).join(' ')}</div>
      </>
    );
  if (!row.isActive)
    return (
      <>
        <Badge tone="neutral">Paused</Badge>
        {row.statusReason && <div className="cell-sub status-reason">{row.statusReason}</div>}
      </>
    );
  return (
    <>
      <Badge tone="success">Connected</Badge>
      {row.statusReason && <div className="cell-sub status-reason">{row.statusReason}</div>}
    </>
  );
}

function TokenCell({ row, zone, caldav }: { row: Row; zone: string; caldav: boolean }) {
  if (caldav)
    return (
      <>
        <span>App password</span>
        <div className="cell-sub">Does not expire</div>
      </>
    );
  if (row.tokenExpiresAt === null) return <span className="muted">Unknown</span>;
  const now = Date.now();
  const expired = row.tokenExpiresAt <= now;
  const title = formatDateTime(row.tokenExpiresAt, zone);
  if (row.status === 'disconnected') return <span title={title}>{expired ? `Expired ${relativeTime(row.tokenExpiresAt, now)}` : 'Revoked'}</span>;
  return (
    <>
      <span title={title}>{expired ? `Expired ${relativeTime(row.tokenExpiresAt, now)}` : `Expires ${relativeTime(row.tokenExpiresAt, now)}`}</span>
      <div className="cell-sub">Renewed automatically</div>
    </>
  );
}

/** Provider and the signed-in account in one cell, so the row keeps room for status and actions. */
function AccountCell({ row, children }: { row: Row; children?: ReactNode }) {
  return (
    <>
      {'calendarId' in row ? (
        <Link className="strong" to={`/integrations/calendar/${row.id}`}>
          {PROVIDER_LABEL[row.provider]}
        </Link>
      ) : (
        <span className="strong">{PROVIDER_LABEL[row.provider]}</span>
      )}
      <div className="account-email">{row.providerEmail ?? <span className="muted">Account unknown</span>}</div>
      {children}
    </>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function When({ ms, zone }: { ms: number | null; zone: string }) {
  if (ms === null) return <span className="muted">Never</span>;
  return <span title={formatDateTime(ms, zone)}>{relativeTime(ms)}</span>;
}

function needsReconnect(row: Row): boolean {
  return row.status === 'disconnected' || row.missingScopes.length > 0;
}

/** The dialog that explains, disconnects, then shows what the core says it did. */
function DisconnectDialog({ row, kind, onClose }: { row: Row | null; kind: ConnectKind; onClose: () => void }) {
  const { disconnectCalendar, disconnectVideo } = useIntegrations();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DisconnectResult | null>(null);
  const target = row ? targetOf(row.provider, kind) : null;
  const label = row ? PROVIDER_LABEL[row.provider] : '';
  const company = target?.company ?? label;
  const caldav = row?.provider === 'apple';
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  useEffect(() => {
    setBusy(false);
    setError(null);
    setResult(null);
  }, [row?.id]);

  const confirm = async () => {
    if (!row) return;
    setBusy(true);
    setError(null);
    try {
      const r = kind === 'calendar' ? await disconnectCalendar(row.id) : await disconnectVideo(row.id);
      setResult(r);
      toast(`${label} disconnected`, 'success');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={!!row}
      size="sm"
      title={result ? `${label} disconnected` : `Disconnect ${label}?`}
      onClose={onClose}
      description={
        row && !result ? (
          <>
            <p>
              {row.providerEmail ? (
                <>
                  <span className="strong">{row.providerEmail}</span> will be disconnected. Junction will:
                </>
              ) : (
                'Junction will:'
              )}
            </p>
            <ul className="dialog-list">
              {!caldav && <li>revoke its access at {company}, where {company} allows it;</li>}
              <li>delete the {caldav ? 'app-specific password' : 'tokens'} stored on this computer;</li>
              <li>keep the history: past entries stay in the logs.</li>
            </ul>
            <p>{kind === 'calendar' ? 'Busy times from this calendar stop updating.' : 'New bookings no longer get links from it.'} You can connect it again later.</p>
          </>
        ) : undefined
      }
    >
      {result ? (
        <>
          <div className="disconnect-result" role="status" ref={resultRef} tabIndex={-1}>
            <p>{result.message}</p>
            {!caldav && (
              <p className="muted small">{result.revoked ? `${company} confirmed that Junction’s access was revoked.` : `${company} did not confirm a revocation.`}</p>
            )}
          </div>
          <DialogActions>
            <Button variant="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </>
      ) : (
        <>
          <FormError message={error} />
          <DialogActions>
            <Button onClick={onClose} disabled={busy} data-autofocus>
              Keep connected
            </Button>
            <Button variant="danger" onClick={() => void confirm()} loading={busy}>
              Disconnect
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}

/** Sync now for one calendar row: calendar:sync, then the progress arrives as `sync:progress` pushes. */
function SyncNowButton({ row, who }: { row: Row; who: string }) {
  const request = useSync((s) => s.request);
  const running = useSync((s) => s.progress[row.id]?.state === 'running' || !!s.requested[row.id]);
  const sync = async () => {
    request(row.id, true);
    try {
      await syncNow(row.id);
    } catch (err) {
      request(row.id, false);
      toast(`Sync of ${who} could not start: ${errorMessage(err)}`, 'danger');
    }
  };
  return (
    <Button size="sm" onClick={() => void sync()} loading={running} disabled={row.status === 'disconnected'} aria-label={`Sync ${who} now`}>
      Sync now
    </Button>
  );
}

function ActionsCell({ row, kind, onDisconnect }: { row: Row; kind: ConnectKind; onDisconnect: (r: Row) => void }) {
  const target = targetOf(row.provider, kind);
  const label = PROVIDER_LABEL[row.provider];
  const who = row.providerEmail ? `${label} (${row.providerEmail})` : label;
  return (
    <div className="row-actions">
      {kind === 'calendar' && <SyncNowButton row={row} who={who} />}
      {target && needsReconnect(row) && (
        <ButtonLink size="sm" variant="primary" to={connectPath(target, row.id)} aria-label={`Reconnect ${who}`}>
          Reconnect
        </ButtonLink>
      )}
      <Button size="sm" variant="danger" onClick={() => onDisconnect(row)} aria-label={`Disconnect ${who}`}>
        Disconnect
      </Button>
    </div>
  );
}

/** Reloads a list when main says one of its integrations changed; the store drops out-of-order answers. */
function useLiveReload(kind: ConnectKind, reload: () => Promise<void>) {
  const onChanged = useCallback(
    (p: IntegrationChanged) => {
      if (p.integrationType === kind) void reload();
    },
    [kind, reload],
  );
  usePush('integration:changed', onChanged);
}

export function CalendarsPage() {
  useDocumentTitle('Calendars');
  const { calendars, loadCalendars } = useIntegrations();
  const zone = useOrganizerZone();
  const [disconnecting, setDisconnecting] = useState<Row | null>(null);
  useEffect(() => {
    void loadCalendars();
  }, [loadCalendars]);
  useLiveReload('calendar', loadCalendars);

  const columns: Column<CalendarIntegrationView>[] = [
    {
      key: 'account',
      header: 'Account',
      className: 'col-account',
      render: (c) => (
        <AccountCell row={c}>
          {c.serverUrl && (
            <div className="cell-sub" title={c.serverUrl}>
              {hostOf(c.serverUrl)}
            </div>
          )}
        </AccountCell>
      ),
    },
    { key: 'status', header: 'Status', className: 'col-status', render: (c) => <StatusCell row={c} /> },
    { key: 'token', header: 'Access', className: 'col-access', render: (c) => <TokenCell row={c} zone={zone} caldav={c.provider === 'apple'} /> },
    {
      key: 'last',
      header: 'Last sync',
      className: 'col-recent',
      render: (c) => (
        <>
          <When ms={c.lastSyncAt} zone={zone} />
          {c.syncErrors > 0 && <div className="cell-sub">{c.syncErrors === 1 ? '1 failed sync' : `${c.syncErrors} failed syncs`}</div>}
        </>
      ),
    },
    { key: 'actions', header: <span className="sr-only">Actions</span>, className: 'col-actions col-actions-stack', render: (c) => <ActionsCell row={c} kind="calendar" onDisconnect={setDisconnecting} /> },
  ];
  const connect = (
    <ButtonLink variant="primary" to="/integrations/connect?kind=calendar">
      Connect a calendar
    </ButtonLink>
  );
  return (
    <>
      <PageHeader
        title="Calendars"
        description={`Google Calendar, Outlook and Apple / CalDAV (${CALENDAR_PROVIDERS.length} providers) feed your busy times.`}
        actions={calendars.status === 'ready' && calendars.items.length > 0 ? connect : undefined}
      />
      <section aria-label="Connected calendars" aria-busy={calendars.status === 'loading' || undefined}>
        {calendars.status === 'idle' || calendars.status === 'loading' ? (
          <LoadingState label="Loading calendars…" />
        ) : calendars.status === 'error' ? (
          <ErrorState title="Calendars could not be loaded" message={calendars.error ?? 'Unknown error'} onRetry={() => void loadCalendars()} />
        ) : calendars.items.length === 0 ? (
          <EmptyState title="No calendars connected" action={connect}>
            Connect Google Calendar, Outlook or an Apple iCloud / CalDAV calendar, and the busy times in it keep bookings off your time.
          </EmptyState>
        ) : (
          <Table caption="Calendar integrations" columns={columns} rows={calendars.items} rowKey={(c) => c.id} />
        )}
      </section>
      <DisconnectDialog row={disconnecting} kind="calendar" onClose={() => setDisconnecting(null)} />
    </>
  );
}

export function VideoPage() {
  useDocumentTitle('Video');
  const { video, loadVideo } = useIntegrations();
  const zone = useOrganizerZone();
  const [disconnecting, setDisconnecting] = useState<Row | null>(null);
  useEffect(() => {
    void loadVideo();
  }, [loadVideo]);
  useLiveReload('video', loadVideo);

  const columns: Column<VideoIntegrationView>[] = [
    { key: 'account', header: 'Account', className: 'col-account', render: (v) => <AccountCell row={v} /> },
    { key: 'status', header: 'Status', className: 'col-status', render: (v) => <StatusCell row={v} /> },
    { key: 'token', header: 'Access', className: 'col-access', render: (v) => <TokenCell row={v} zone={zone} caldav={false} /> },
    {
      key: 'last',
      header: 'Last API call',
      className: 'col-recent',
      render: (v) => (
        <>
          <When ms={v.lastApiCall} zone={zone} />
          {v.apiCallsToday > 0 && <div className="cell-sub">{v.apiCallsToday} today</div>}
        </>
      ),
    },
    { key: 'actions', header: <span className="sr-only">Actions</span>, className: 'col-actions col-actions-stack', render: (v) => <ActionsCell row={v} kind="video" onDisconnect={setDisconnecting} /> },
  ];
  const connect = (
    <ButtonLink variant="primary" to="/integrations/connect?kind=video">
      Connect a video service
    </ButtonLink>
  );
  return (
    <>
      <PageHeader
        title="Video"
        description={`Zoom, Google Meet, Microsoft Teams and Webex (${VIDEO_PROVIDERS.length} providers) create meeting links for bookings.`}
        actions={video.status === 'ready' && video.items.length > 0 ? connect : undefined}
      />
      <section aria-label="Connected video services" aria-busy={video.status === 'loading' || undefined}>
        {video.status === 'idle' || video.status === 'loading' ? (
          <LoadingState label="Loading video integrations…" />
        ) : video.status === 'error' ? (
          <ErrorState title="Video integrations could not be loaded" message={video.error ?? 'Unknown error'} onRetry={() => void loadVideo()} />
        ) : video.items.length === 0 ? (
          <EmptyState title="No video providers connected" action={connect}>
            Connect Zoom, Google Meet, Microsoft Teams or Webex, and every booking can get its own meeting link.
          </EmptyState>
        ) : (
          <Table caption="Video integrations" columns={columns} rows={video.items} rowKey={(v) => v.id} />
        )}
      </section>
      <DisconnectDialog row={disconnecting} kind="video" onClose={() => setDisconnecting(null)} />
    </>
  );
}
