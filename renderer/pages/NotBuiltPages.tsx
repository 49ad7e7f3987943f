// Routes of DESIGN.md §8 whose features belong to later releases: each says what will be there.
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ButtonLink } from '../components/Button';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, NotBuiltState } from '../components/States';
import { useDocumentTitle } from '../lib/hooks';

function NotBuiltPage({ title, feature, children }: { title: string; feature: string; children?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <>
      <PageHeader title={title} />
      <NotBuiltState feature={feature}>{children}</NotBuiltState>
    </>
  );
}

export const HealthPage = () => (
  <NotBuiltPage title="Health" feature="The health view">
    It will show each integration’s token expiry, last successful sync, error streaks, rate-limit headroom and webhook delivery
    rates.
  </NotBuiltPage>
);

export const ConflictsPage = () => (
  <NotBuiltPage title="Conflicts" feature="Conflict detection">
    It will list bookings that overlap busy times from your calendars, with ways to resolve them and undo.
  </NotBuiltPage>
);


function IdNote() {
  const { id } = useParams();
  return (
    <p>
      Requested id: <code>{id}</code>. <Link to=".." relative="path">
        Back to the list
      </Link>
    </p>
  );
}

export const VideoDetailPage = () => (
  <NotBuiltPage title="Video integration" feature="The video integration page">
    It will show the account, API usage and recent meeting links. <IdNote />
  </NotBuiltPage>
);
export const VideoSettingsPage = () => (
  <NotBuiltPage title="Video settings" feature="Video integration settings">
    It will hold meeting defaults (waiting room, recording, join before host), automatic links, a test meeting and disconnect.
  </NotBuiltPage>
);

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is no page at this address" action={<ButtonLink to="/integrations">Go to the overview</ButtonLink>} />
    </>
  );
}
