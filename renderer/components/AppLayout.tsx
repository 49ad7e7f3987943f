import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { NotificationBanner, NotificationBell, useNotificationFeed } from './Notifications';
import { SandboxBanner } from './SandboxBanner';
import { SyncStatusIndicator } from './SyncStatusIndicator';
import { ToastRegion } from './Toasts';

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

const PRIMARY: NavItem[] = [
  { to: '/integrations', label: 'Overview', end: true },
  { to: '/bookings', label: 'Bookings' },
  { to: '/blocked-times', label: 'Blocked times' },
];
const INTEGRATIONS: NavItem[] = [
  { to: '/integrations/calendar', label: 'Calendars' },
  { to: '/integrations/video', label: 'Video' },
  { to: '/integrations/webhooks', label: 'Webhooks' },
  { to: '/integrations/conflicts', label: 'Conflicts' },
  { to: '/integrations/sync-status', label: 'Sync status' },
  { to: '/integrations/health', label: 'Health' },
  { to: '/integrations/logs', label: 'Logs' },
];
const FOOTER: NavItem[] = [{ to: '/settings', label: 'Settings' }];

function isActive(item: NavItem, pathname: string): boolean {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (item.to === '/integrations' && path === '/') return true; // "/" is the overview too
  return item.end ? path === item.to : path === item.to || path.startsWith(`${item.to}/`);
}

function NavList({ items, pathname, labelledBy }: { items: NavItem[]; pathname: string; labelledBy?: string }) {
  return (
    <ul className="nav-list" aria-labelledby={labelledBy}>
      {items.map((item) => {
        const active = isActive(item, pathname);
        return (
          <li key={item.to}>
            <Link to={item.to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function AppLayout() {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  useNotificationFeed();

  // Move focus to the page after client-side navigation so screen readers and keyboards land on it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <SandboxBanner />
      <div className="app">
        <aside className="sidebar">
          <div className="sidebar-inner">
            <div className="brand-row">
              <div className="brand">
                <img className="brand-mark" src="/favicon.svg" alt="" />
                <span className="brand-name">Junction</span>
              </div>
              <NotificationBell />
            </div>
            <nav aria-label="Main">
              <NavList items={PRIMARY} pathname={pathname} />
              <h2 className="nav-heading" id="nav-integrations">
                Integrations
              </h2>
              <NavList items={INTEGRATIONS} pathname={pathname} labelledBy="nav-integrations" />
              <div className="nav-sep" />
              {/* Before Settings, so Settings stays the sidebar's last stop for Shift+Tab from the page. */}
              <SyncStatusIndicator />
              <NavList items={FOOTER} pathname={pathname} />
            </nav>
          </div>
        </aside>
        <main id="main" className="main" ref={mainRef} tabIndex={-1}>
          <NotificationBanner />
          <Outlet />
        </main>
      </div>
      <ToastRegion />
    </div>
  );
}
