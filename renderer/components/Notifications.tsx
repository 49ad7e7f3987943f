// The in-app inbox: a bell with the unread count, a panel listing notifications, and a banner at the top of
// the main area for unread warnings and errors (e.g. "Zoom was disconnected — Reconnect").
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import type { AppNotification, NotificationSeverity } from '../../shared/domain';
import type { IntegrationChanged } from '../../shared/ipc/push';
import { errorMessage } from '../api/client';
import { usePush } from '../lib/hooks';
import { relativeTime } from '../lib/time';
import { useNotifications } from '../stores/notifications';
import { toast } from '../stores/toasts';
import { Badge, type BadgeTone } from './Badge';
import { Button, ButtonLink } from './Button';

const BELL_ID = 'notifications-bell';
const SEVERITY_TONE: Record<NotificationSeverity, BadgeTone> = { info: 'info', warning: 'warning', error: 'danger' };
const SEVERITY_LABEL: Record<NotificationSeverity, string> = { info: 'Info', warning: 'Warning', error: 'Error' };

export function actionLabel(n: AppNotification): string {
  return n.actionRoute && /reconnect/i.test(n.actionRoute) ? 'Reconnect' : 'Open';
}

/** Loads the unread ones once and follows `notification:added`. Mount once, in the layout. */
export function useNotificationFeed(): void {
  const loadUnread = useNotifications((s) => s.loadUnread);
  const added = useNotifications((s) => s.added);
  useEffect(() => {
    void loadUnread();
  }, [loadUnread]);
  usePush('notification:added', added);
  // A reconnect may settle notifications on the server side: ask again rather than keep a stale banner.
  const onChanged = useCallback(
    (p: IntegrationChanged) => {
      if (p.change === 'created' || p.change === 'updated') void loadUnread();
    },
    [loadUnread],
  );
  usePush('integration:changed', onChanged);
}

function markReadQuietly(ids: string[]) {
  useNotifications
    .getState()
    .markRead(ids)
    .catch((err: unknown) => toast(`Could not mark as read: ${errorMessage(err)}`, 'danger'));
}

function BellIcon() {
  return (
    <svg className="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Zm-2 1H7v-6a5 5 0 0 1 10 0v6Z"
      />
    </svg>
  );
}

export function NotificationBell() {
  const unread = useNotifications((s) => s.unread.length);
  const more = useNotifications((s) => s.unreadMore);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const count = more ? `${unread}+` : String(unread);
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;

  // The banner's "show all" opens the panel through this event, so there is one panel and one owner.
  useEffect(() => {
    const onOpen = () => setOpen(true);
    window.addEventListener('junction:open-notifications', onOpen);
    return () => window.removeEventListener('junction:open-notifications', onOpen);
  }, []);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) document.getElementById(BELL_ID)?.focus();
  }, []);

  return (
    <div className="bell-wrap">
      <button
        id={BELL_ID}
        type="button"
        className={`bell${unread > 0 ? ' bell-unread' : ''}`}
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {more ? '99+' : count}
          </span>
        )}
      </button>
      {open && <NotificationPanel id={panelId} onClose={close} />}
    </div>
  );
}

export function openNotificationPanel(): void {
  window.dispatchEvent(new Event('junction:open-notifications'));
}

function NotificationPanel({ id, onClose }: { id: string; onClose: (refocus: boolean) => void }) {
  const { items, status, error, nextCursor, loadingMore, load, loadMore, markAllRead } = useNotifications();
  const hasUnread = useNotifications((s) => s.unread.length > 0);
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const [markingAll, setMarkingAll] = useState(false);

  useEffect(() => {
    void load();
    ref.current?.querySelector<HTMLElement>('.notif-panel-title')?.focus();
  }, [load]);

  // A click outside closes it (focus stays where the click put it).
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (ref.current?.contains(t) || document.getElementById(BELL_ID)?.contains(t)) return;
      onClose(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose(true);
    }
  };

  const allRead = async () => {
    setMarkingAll(true);
    try {
      await markAllRead();
    } catch (err) {
      toast(`Could not mark as read: ${errorMessage(err)}`, 'danger');
    } finally {
      setMarkingAll(false);
    }
  };

  let body;
  if (status === 'idle' || status === 'loading')
    body = (
      <p className="notif-state muted" role="status">
        <span className="spinner" aria-hidden="true" /> Loading notifications…
      </p>
    );
  else if (status === 'error')
    body = (
      <div className="notif-state" role="alert">
        <p>{error ?? 'Notifications could not be loaded.'}</p>
        <Button size="sm" onClick={() => void load()}>
          Retry
        </Button>
      </div>
    );
  else if (items.length === 0)
    body = <p className="notif-state muted">No notifications. Junction tells you here when an account needs attention.</p>;
  else
    body = (
      <>
        <ul className="notif-list">
          {items.map((n) => (
            <NotificationItem key={n.id} n={n} onNavigate={() => onClose(false)} />
          ))}
        </ul>
        {nextCursor && (
          <div className="notif-more">
            <Button size="sm" onClick={() => void loadMore()} loading={loadingMore}>
              Show older
            </Button>
          </div>
        )}
      </>
    );

  return (
    <div id={id} ref={ref} className="notif-panel" role="dialog" aria-modal="false" aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <header className="notif-panel-head">
        <h2 className="notif-panel-title" id={titleId} tabIndex={-1}>
          Notifications
        </h2>
        <div className="notif-panel-actions">
          <Button size="sm" variant="ghost" onClick={() => void allRead()} loading={markingAll} disabled={!hasUnread}>
            Mark all read
          </Button>
          <button type="button" className="icon-btn" aria-label="Close notifications" onClick={() => onClose(true)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      </header>
      <div className="notif-panel-body">{body}</div>
    </div>
  );
}

function NotificationItem({ n, onNavigate }: { n: AppNotification; onNavigate: () => void }) {
  const unread = n.readAt === null;
  return (
    <li className={`notif${unread ? ' notif-unread' : ''}`}>
      <div className="notif-head">
        <Badge tone={SEVERITY_TONE[n.severity]}>{SEVERITY_LABEL[n.severity]}</Badge>
        <span className="notif-title">{n.title}</span>
        {unread && <span className="sr-only">(unread)</span>}
      </div>
      {n.body && <p className="notif-body">{n.body}</p>}
      <div className="notif-meta">
        <time className="muted small" dateTime={new Date(n.createdAt).toISOString()} title={new Date(n.createdAt).toLocaleString()}>
          {relativeTime(n.createdAt)}
        </time>
        <span className="notif-links">
          {n.actionRoute && (
            <Link
              to={n.actionRoute}
              className="notif-action"
              onClick={() => {
                if (unread) markReadQuietly([n.id]);
                onNavigate();
              }}
            >
              {actionLabel(n)}
            </Link>
          )}
          {unread && (
            <button type="button" className="link-btn" onClick={() => markReadQuietly([n.id])} aria-label={`Mark “${n.title}” as read`}>
              Mark read
            </button>
          )}
        </span>
      </div>
    </li>
  );
}

/** Unread warnings and errors, newest first, shown above every page until read. */
export function NotificationBanner() {
  const unread = useNotifications((s) => s.unread);
  const urgent = unread.filter((n) => n.severity !== 'info');
  const n = urgent[0];
  return (
    <div className="app-banner-region" aria-live="polite">
      {n && (
        <div className={`app-banner app-banner-${n.severity}`} role="region" aria-label={n.severity === 'error' ? 'Error' : 'Warning'}>
          <div className="app-banner-text">
            <strong className="app-banner-title">{n.title}</strong>
            {n.body && <span className="app-banner-body">{n.body}</span>}
          </div>
          <div className="app-banner-actions">
            {n.actionRoute && (
              <ButtonLink size="sm" variant="primary" to={n.actionRoute} onClick={() => markReadQuietly([n.id])}>
                {actionLabel(n)}
              </ButtonLink>
            )}
            {urgent.length > 1 && (
              <Button size="sm" variant="ghost" onClick={openNotificationPanel}>
                {urgent.length - 1} more
              </Button>
            )}
            <Button size="sm" variant="ghost" onClick={() => markReadQuietly([n.id])} aria-label={`Dismiss “${n.title}” (mark as read)`}>
              Dismiss
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
