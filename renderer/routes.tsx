// Every renderer route of DESIGN.md §8, history routing.
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, isRouteErrorResponse, useRouteError, type RouteObject } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { Button } from './components/Button';
import { ErrorState, LoadingState } from './components/States';
import { BlockedTimesPage } from './pages/blocks/BlockedTimesPage';
import { BookingsPage } from './pages/bookings/BookingsPage';
import { CalendarsPage, VideoPage } from './pages/integrations/IntegrationLists';
import { LogsPage } from './pages/logs/LogsPage';
import { ConnectAnyPage, ConnectCalendarPage, ConnectVideoPage, ConnectWizardPage } from './pages/connect/ConnectPages';
import { CallbackPage } from './pages/connect/OAuthCallback';
import { CalendarDetailPage, CalendarSettingsPage } from './pages/calendar/CalendarPages';
import { SyncStatusPage } from './pages/sync/SyncStatusPage';
import {
  ConflictsPage,
  HealthPage,
  NotFoundPage,
  VideoDetailPage,
  VideoSettingsPage,
} from './pages/NotBuiltPages';
import { OverviewPage } from './pages/overview/OverviewPage';
import { ProvidersSettingsPage } from './pages/settings/ProvidersPage';
import { SettingsPage } from './pages/settings/SettingsPage';

// The webhook pages load on first visit: they carry the zod schemas their form validates with (as main does),
// which the other pages do not need.
const LazyWebhooksPage = lazy(() => import('./pages/webhooks/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const LazyWebhookDetailPage = lazy(() => import('./pages/webhooks/WebhookDetailPage').then((m) => ({ default: m.WebhookDetailPage })));
const WebhooksPage = () => (
  <Suspense fallback={<LoadingState label="Loading webhooks…" />}>
    <LazyWebhooksPage />
  </Suspense>
);
const WebhookDetailPage = () => (
  <Suspense fallback={<LoadingState label="Loading the webhook…" />}>
    <LazyWebhookDetailPage />
  </Suspense>
);

function RouteError() {
  const err = useRouteError();
  const message = isRouteErrorResponse(err) ? `${err.status} ${err.statusText}` : err instanceof Error ? err.message : 'Unknown error';
  return (
    <div className="route-error">
      <ErrorState title="This page failed to render" message={message} />
      <Button onClick={() => window.location.reload()}>Reload</Button>
    </div>
  );
}

export const ROUTE_PATHS = [
  '/',
  '/integrations',
  '/integrations/calendar',
  '/integrations/calendar/:id',
  '/integrations/calendar/:id/settings',
  '/integrations/video',
  '/integrations/video/:id',
  '/integrations/video/:id/settings',
  '/integrations/webhooks',
  '/integrations/webhooks/:id',
  '/integrations/connect',
  '/integrations/connect/:provider',
  '/integrations/connect/calendar/:provider',
  '/integrations/connect/video/:provider',
  '/integrations/callback',
  '/integrations/health',
  '/integrations/logs',
  '/integrations/conflicts',
  '/integrations/sync-status',
  '/bookings',
  '/blocked-times',
  '/settings',
  '/settings/providers',
] as const;

type RoutePath = (typeof ROUTE_PATHS)[number];

const PAGES: Record<RoutePath, ComponentType> = {
  '/': OverviewPage,
  '/integrations': OverviewPage,
  '/integrations/calendar': CalendarsPage,
  '/integrations/calendar/:id': CalendarDetailPage,
  '/integrations/calendar/:id/settings': CalendarSettingsPage,
  '/integrations/video': VideoPage,
  '/integrations/video/:id': VideoDetailPage,
  '/integrations/video/:id/settings': VideoSettingsPage,
  '/integrations/webhooks': WebhooksPage,
  '/integrations/webhooks/:id': WebhookDetailPage,
  '/integrations/connect': ConnectWizardPage,
  '/integrations/connect/:provider': ConnectAnyPage,
  '/integrations/connect/calendar/:provider': ConnectCalendarPage,
  '/integrations/connect/video/:provider': ConnectVideoPage,
  '/integrations/callback': CallbackPage,
  '/integrations/health': HealthPage,
  '/integrations/logs': LogsPage,
  '/integrations/conflicts': ConflictsPage,
  '/integrations/sync-status': SyncStatusPage,
  '/bookings': BookingsPage,
  '/blocked-times': BlockedTimesPage,
  '/settings': SettingsPage,
  '/settings/providers': ProvidersSettingsPage,
};

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      ...ROUTE_PATHS.map((path): RouteObject => {
        const Page = PAGES[path];
        return { path, element: <Page /> };
      }),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
