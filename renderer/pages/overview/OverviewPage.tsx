import { useCallback, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { LogEntry } from '../../../shared/domain';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { useDocumentTitle, useOrganizerZone, usePush } from '../../lib/hooks';
import { useOverview } from '../../stores/overview';
import { LogFeed } from '../logs/LogList';

interface Stat {
  id: string;
  label: string;
  value: number;
  tone?: 'danger';
}

function StatCard({ title, stats, link, linkLabel }: { title: string; stats: Stat[]; link: string; linkLabel: string }) {
  const headingId = `card-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className="card stat-card" aria-labelledby={headingId}>
      <h2 className="card-title" id={headingId}>
        {title}
      </h2>
      <dl className="stats">
        {stats.map((s) => (
          <div key={s.id} className={`stat${s.tone === 'danger' && s.value > 0 ? ' stat-danger' : ''}`} data-stat={s.id}>
            <dt className="stat-label">{s.label}</dt>
            <dd className="stat-value">{s.value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      <Link className="card-link" to={link}>
        {linkLabel}
      </Link>
    </section>
  );
}

export function OverviewPage() {
  useDocumentTitle('Overview');
  const { overview, status, error, recent, recentStatus, recentError, load, loadRecent, prependRecent } = useOverview();
  const zone = useOrganizerZone();
  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    void load();
    void loadRecent();
  }, [load, loadRecent]);

  useEffect(
    () => () => {
      if (refresh.current) clearTimeout(refresh.current);
    },
    [],
  );

  // A new log entry shows at once; the counts catch up shortly after (batched if many arrive).
  const onLog = useCallback(
    (entry: LogEntry) => {
      prependRecent(entry);
      if (refresh.current) clearTimeout(refresh.current);
      refresh.current = setTimeout(() => void load(), 250);
    },
    [prependRecent, load],
  );
  usePush('log:appended', onLog);

  let counts;
  if (status === 'idle' || status === 'loading') counts = <LoadingState label="Loading counts…" rows={2} />;
  else if (status === 'error' || !overview) counts = <ErrorState title="The counts could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else
    counts = (
      <div className="card-grid">
        <StatCard
          title="Bookings"
          link="/bookings"
          linkLabel="Manage bookings"
          stats={[
            { id: 'bookings.upcoming', label: 'Upcoming', value: overview.bookings.upcoming },
            { id: 'bookings.scheduled', label: 'Scheduled', value: overview.bookings.scheduled },
            { id: 'bookings.completed', label: 'Completed', value: overview.bookings.completed },
            { id: 'bookings.cancelled', label: 'Cancelled', value: overview.bookings.cancelled },
          ]}
        />
        <StatCard
          title="Blocked times"
          link="/blocked-times"
          linkLabel="Manage blocked times"
          stats={[
            { id: 'blockedTimes.manual', label: 'Manual', value: overview.blockedTimes.manual },
            { id: 'blockedTimes.synced', label: 'Synced', value: overview.blockedTimes.synced },
          ]}
        />
        <StatCard
          title="Integrations"
          link="/integrations/calendar"
          linkLabel="See integrations"
          stats={[
            { id: 'integrations.calendar', label: 'Calendars', value: overview.integrations.calendar },
            { id: 'integrations.video', label: 'Video', value: overview.integrations.video },
            { id: 'integrations.webhooks', label: 'Webhooks', value: overview.integrations.webhooks },
          ]}
        />
        <StatCard
          title="Logs"
          link="/integrations/logs"
          linkLabel="Open logs"
          stats={[
            { id: 'logs.total', label: 'Entries', value: overview.logs.total },
            { id: 'logs.errorsLast24h', label: 'Errors, last 24 h', value: overview.logs.errorsLast24h, tone: 'danger' },
          ]}
        />
      </div>
    );

  let activity;
  if (recentStatus === 'idle' || recentStatus === 'loading') activity = <LoadingState label="Loading recent activity…" rows={3} />;
  else if (recentStatus === 'error') activity = <ErrorState title="Recent activity could not be loaded" message={recentError ?? 'Unknown error'} onRetry={() => void loadRecent()} />;
  else if (recent.length === 0)
    activity = (
      <EmptyState title="No activity yet">Syncs, video links, webhook deliveries and errors will be listed here as they happen.</EmptyState>
    );
  else activity = <LogFeed entries={recent} zone={zone} />;

  return (
    <>
      <PageHeader title="Overview" description="What Junction holds right now." />
      <div aria-busy={status === 'loading' || undefined}>{counts}</div>
      <section className="card activity" aria-labelledby="recent-activity">
        <div className="card-head">
          <h2 className="card-title" id="recent-activity">
            Recent activity
          </h2>
          <span className="muted small">Updates as it happens</span>
        </div>
        <div aria-live="polite">{activity}</div>
        <Link className="card-link" to="/integrations/logs">
          All logs
        </Link>
      </section>
    </>
  );
}
