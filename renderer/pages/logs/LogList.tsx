import type { LogEntry } from '../../../shared/domain';
import { Badge, LogTypeBadge } from '../../components/Badge';
import { formatDateTime } from '../../lib/time';

/** Compact list used by the overview's recent activity. */
export function LogFeed({ entries, zone }: { entries: LogEntry[]; zone: string }) {
  return (
    <ol className="feed" aria-label="Recent log entries">
      {entries.map((l) => (
        <li key={l.id} className="feed-item">
          <LogTypeBadge type={l.logType} success={l.success} />
          <span className="feed-message">{l.message}</span>
          <time className="feed-time muted small" dateTime={new Date(l.createdAt).toISOString()}>
            {formatDateTime(l.createdAt, zone)}
          </time>
        </li>
      ))}
    </ol>
  );
}

export function ResultBadge({ success }: { success: boolean }) {
  return success ? <Badge tone="success">Succeeded</Badge> : <Badge tone="danger">Failed</Badge>;
}
