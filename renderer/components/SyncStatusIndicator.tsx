// Small sidebar-footer status: idle / syncing / error, from `sync:progress` and the calendars' error counts.
// It also owns the app-wide `sync:progress` subscription, since the sidebar is always mounted.
import { useCallback, useEffect } from 'react';
import { Link } from 'react-router';
import type { SyncProgress } from '../../shared/ipc/push';
import { usePush } from '../lib/hooks';
import { useIntegrations } from '../stores/integrations';
import { indicatorState, useSync } from '../stores/sync';

const LABEL = { idle: 'Sync idle', syncing: 'Syncing…', error: 'Sync needs attention' } as const;

export function SyncStatusIndicator() {
  const apply = useSync((s) => s.apply);
  const progress = useSync((s) => s.progress);
  const requested = useSync((s) => s.requested);
  const calendars = useIntegrations((s) => s.calendars);
  const loadCalendars = useIntegrations((s) => s.loadCalendars);

  useEffect(() => {
    if (calendars.status === 'idle') void loadCalendars();
  }, [calendars.status, loadCalendars]);

  const onProgress = useCallback(
    (p: SyncProgress) => {
      apply(p);
      // Last sync time and error counts change when a run ends.
      if (p.state !== 'running') void loadCalendars();
    },
    [apply, loadCalendars],
  );
  usePush('sync:progress', onProgress);

  const failing = calendars.items.filter((c) => c.syncErrors > 0 || c.status === 'disconnected').length;
  const state = indicatorState(progress, requested, failing);
  const running = Object.values(progress).filter((p) => p.state === 'running').length;
  const detail =
    state === 'syncing' && running > 1 ? `${running} calendars` : state === 'error' && failing > 0 ? `${failing} calendar${failing === 1 ? '' : 's'}` : null;
  return (
    // Named by its visible text only: an aria-label saying "status" would collide with form fields named Status.
    <Link to="/integrations/sync-status" className={`sync-indicator sync-indicator-${state}`} title="Open the sync page">
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-indicator-text">
        <span>{LABEL[state]}</span>
        {detail && <span className="sync-indicator-detail">{detail}</span>}
      </span>
    </Link>
  );
}
