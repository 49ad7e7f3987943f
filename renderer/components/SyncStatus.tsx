// One calendar integration's sync: live progress (phase, pages, events), last sync, errors with what to do, Sync now.
import type { CalendarIntegrationView } from '../../shared/domain';
import { Link } from 'react-router';
import { connectPath, PROVIDER_LABEL, targetOf } from '../pages/integrations/providers';
import { formatDateTime, relativeTime } from '../lib/time';
import type { ProgressEntry } from '../stores/sync';
import { Badge } from './Badge';
import { Button, ButtonLink } from './Button';

/** Engine phases ("starting", "listing calendars", "full sync: Work", "syncing: Work") read as a sentence start. */
export function phaseLabel(phase: string): string {
  return phase.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** What the person can do about the integration's state, or null when all is well. */
export function whatToDo(row: CalendarIntegrationView): { message: string; action: 'reconnect' | 'retry' | 'enable' } | null {
  if (row.status === 'disconnected')
    return { message: row.statusReason ?? 'Junction lost access to this account. Reconnect it to resume syncing.', action: 'reconnect' };
  if (row.missingScopes.length > 0) return { message: 'Some permissions were not granted. Reconnect and allow them all.', action: 'reconnect' };
  if (!row.syncEnabled)
    return {
      message: row.statusReason ?? 'Sync is off for this calendar, so its busy times are not updated. Turn it on in the settings.',
      action: 'enable',
    };
  if (row.syncErrors > 0)
    return {
      message: `${row.statusReason ?? 'The last sync failed.'} Junction retries on its own${row.syncErrors >= 3 ? '; after 5 failures in a row it pauses sync' : ''}. Sync now to try again.`,
      action: 'retry',
    };
  return null;
}

export function SyncProgressBar({ progress }: { progress: ProgressEntry | undefined }) {
  if (!progress) return null;
  const { state, pages, eventsProcessed, phase } = progress;
  const label = state === 'running' ? phaseLabel(phase) : state === 'done' ? 'Sync complete' : 'Sync failed';
  return (
    <div className={`sync-progress sync-progress-${state}`}>
      <div className="sync-progress-head">
        <span className="strong">{label}</span>
        <span className="muted small">
          {pages} page{pages === 1 ? '' : 's'} · {eventsProcessed} event{eventsProcessed === 1 ? '' : 's'}
        </span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`${label}: ${eventsProcessed} events processed`}
        aria-valuetext={state === 'running' ? `${eventsProcessed} events processed` : label}
        {...(state === 'running' ? {} : { 'aria-valuenow': 100, 'aria-valuemin': 0, 'aria-valuemax': 100 })}
      >
        <div className="progress-fill" />
      </div>
    </div>
  );
}

export function SyncStatus({
  row,
  progress,
  zone,
  requested,
  onSync,
  syncError,
  embedded = false,
}: {
  row: CalendarIntegrationView;
  progress: ProgressEntry | undefined;
  zone: string;
  requested: boolean;
  onSync: () => void;
  syncError: string | null;
  /** On the calendar's own page: its header already has Sync now, and there is no page to link to. */
  embedded?: boolean;
}) {
  const label = PROVIDER_LABEL[row.provider];
  const running = progress?.state === 'running' || requested;
  const todo = whatToDo(row);
  const reconnect = targetOf(row.provider, 'calendar');
  return (
    <article className="card sync-card" aria-label={`${label} ${row.providerEmail ?? ''}`.trim()}>
      <div className="card-head">
        <div>
          <h2 className="card-title">
            {label} <span className="muted account-inline">{row.providerEmail ?? ''}</span>
          </h2>
          <p className="small muted">
            Last sync:{' '}
            {row.lastSyncAt ? <span title={formatDateTime(row.lastSyncAt, zone)}>{relativeTime(row.lastSyncAt)}</span> : 'never'}
            {row.syncErrors > 0 && ` · ${row.syncErrors} failed in a row`}
          </p>
        </div>
        <div className="row-actions">
          {running ? <Badge tone="info">Syncing</Badge> : todo ? <Badge tone={todo.action === 'enable' ? 'neutral' : 'danger'}>{todo.action === 'enable' ? 'Sync off' : 'Needs attention'}</Badge> : <Badge tone="success">Up to date</Badge>}
          {!embedded && <Button size="sm" onClick={onSync} loading={running} disabled={row.status === 'disconnected'} aria-label={`Sync ${label} ${row.providerEmail ?? ''} now`.replace(/\s+/g, ' ')}>
            Sync now
          </Button>}
        </div>
      </div>
      <SyncProgressBar progress={progress} />
      {syncError && (
        <p className="form-error" role="alert">
          {syncError}
        </p>
      )}
      {todo && (
        <div className="sync-todo">
          <p>{todo.message}</p>
          {todo.action === 'reconnect' && reconnect && (
            <ButtonLink size="sm" variant="primary" to={connectPath(reconnect, row.id)}>
              Reconnect
            </ButtonLink>
          )}
          {todo.action === 'enable' && (
            <ButtonLink size="sm" to={`/integrations/calendar/${row.id}/settings`}>
              Open settings
            </ButtonLink>
          )}
        </div>
      )}
      {!embedded && (
        <Link className="card-link" to={`/integrations/calendar/${row.id}`}>
          Calendar details and history
        </Link>
      )}
    </article>
  );
}
