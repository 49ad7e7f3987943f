import { useEffect } from 'react';
import { LOG_TYPES, type IntegrationType, type LogEntry } from '../../../shared/domain';
import { LOG_TYPE_LABEL, LogTypeBadge } from '../../components/Badge';
import { Select } from '../../components/Field';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { useDocumentTitle, useOrganizerZone, usePush } from '../../lib/hooks';
import { formatDateTime } from '../../lib/time';
import { useLogs, type LogFilter } from '../../stores/logs';
import { ResultBadge } from './LogList';

const INTEGRATION_LABEL: Record<IntegrationType, string> = { calendar: 'Calendar', video: 'Video', webhook: 'Webhook' };
const FILTERS = [{ value: 'all', label: 'All types' }, ...LOG_TYPES.map((t) => ({ value: t, label: LOG_TYPE_LABEL[t] }))];

export function LogsPage() {
  useDocumentTitle('Logs');
  const { items, nextCursor, status, error, loadingMore, moreError, filter, setFilter, load, loadMore, prepend } = useLogs();
  const zone = useOrganizerZone();

  useEffect(() => {
    void load();
  }, [load]);
  usePush('log:appended', prepend);

  const columns: Column<LogEntry>[] = [
    {
      key: 'time',
      header: 'Time',
      className: 'col-time',
      render: (l) => <time dateTime={new Date(l.createdAt).toISOString()}>{formatDateTime(l.createdAt, zone)}</time>,
    },
    { key: 'type', header: 'Type', render: (l) => <LogTypeBadge type={l.logType} success={l.success} /> },
    { key: 'message', header: 'Message', className: 'col-message', render: (l) => l.message },
    { key: 'integration', header: 'Integration', render: (l) => (l.integrationType ? <span>{INTEGRATION_LABEL[l.integrationType]}</span> : <span className="muted">—</span>) },
    { key: 'result', header: 'Result', render: (l) => <ResultBadge success={l.success} /> },
  ];

  let body;
  if (status === 'idle' || status === 'loading') body = <LoadingState label="Loading logs…" />;
  else if (status === 'error') body = <ErrorState title="Logs could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (items.length === 0)
    body = (
      <EmptyState title={filter === 'all' ? 'No log entries yet' : `No “${LOG_TYPE_LABEL[filter]}” entries`}>
        New entries appear here as they are written, without reloading.
      </EmptyState>
    );
  else
    body = (
      <>
        <Table caption="Log entries" columns={columns} rows={items} rowKey={(l) => l.id} />
        <LoadMore hasMore={!!nextCursor} loading={loadingMore} error={moreError} onLoadMore={() => void loadMore()} count={items.length} noun="entries" />
      </>
    );

  return (
    <>
      <PageHeader
        title="Logs"
        description="Integration activity, newest first, updating live. Search, date ranges, charts and export arrive in a later release."
      />
      <div className="toolbar">
        <Select label="Type" value={filter} onValueChange={(v) => setFilter(v as LogFilter)} options={FILTERS} fieldClassName="field-inline" />
      </div>
      <section aria-label="Log entries" aria-busy={status === 'loading' || undefined}>
        {body}
      </section>
    </>
  );
}
