// /integrations/sync-status: every calendar integration with live progress from `sync:progress`, errors with what
// to do, and Sync now per integration.
import { useEffect, useState } from 'react';
import { syncNow } from '../../api/calendar-sync';
import { errorMessage } from '../../api/client';
import { ButtonLink } from '../../components/Button';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { SyncStatus } from '../../components/SyncStatus';
import { useDocumentTitle, useOrganizerZone } from '../../lib/hooks';
import { useIntegrations } from '../../stores/integrations';
import { useSync } from '../../stores/sync';

export function SyncStatusPage() {
  useDocumentTitle('Sync status');
  const zone = useOrganizerZone();
  const { calendars, loadCalendars } = useIntegrations();
  const progress = useSync((s) => s.progress);
  const requested = useSync((s) => s.requested);
  const request = useSync((s) => s.request);
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  useEffect(() => {
    void loadCalendars();
  }, [loadCalendars]);

  const sync = async (id: string) => {
    setErrors((e) => ({ ...e, [id]: null }));
    request(id, true);
    try {
      await syncNow(id);
    } catch (err) {
      request(id, false);
      setErrors((e) => ({ ...e, [id]: `Sync could not start: ${errorMessage(err)}` }));
    }
  };

  let body;
  if (calendars.status === 'idle' || calendars.status === 'loading') body = <LoadingState label="Loading sync status…" />;
  else if (calendars.status === 'error')
    body = <ErrorState title="Sync status could not be loaded" message={calendars.error ?? 'Unknown error'} onRetry={() => void loadCalendars()} />;
  else if (calendars.items.length === 0)
    body = (
      <EmptyState
        title="Nothing to sync yet"
        action={
          <ButtonLink variant="primary" to="/integrations/connect?kind=calendar">
            Connect a calendar
          </ButtonLink>
        }
      >
        Connect a calendar and its sync progress, last sync and any errors show here.
      </EmptyState>
    );
  else
    body = (
      <div className="sync-list">
        {calendars.items.map((c) => (
          <SyncStatus
            key={c.id}
            row={c}
            progress={progress[c.id]}
            zone={zone}
            requested={!!requested[c.id]}
            onSync={() => void sync(c.id)}
            syncError={errors[c.id] ?? null}
          />
        ))}
      </div>
    );

  return (
    <>
      <PageHeader title="Sync status" description="Each connected calendar’s sync, live. Junction syncs on its own; Sync now does it immediately." />
      <section aria-label="Calendar sync" aria-busy={calendars.status === 'loading' || undefined}>
        {body}
      </section>
    </>
  );
}
