import { Link, useLocation } from 'react-router';

const TABS = [
  { to: '/settings', label: 'General' },
  { to: '/settings/providers', label: 'Providers' },
];

/** The sections of Settings, as links (each is its own route). */
export function SettingsTabs() {
  const path = useLocation().pathname.replace(/\/+$/, '');
  return (
    <nav className="tabs" aria-label="Settings sections">
      <ul className="tab-list">
        {TABS.map((t) => {
          const current = path === t.to;
          return (
            <li key={t.to}>
              <Link to={t.to} className={current ? 'tab tab-current' : 'tab'} aria-current={current ? 'page' : undefined}>
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
