// Connect Service pages: /integrations/connect (the wizard), /integrations/connect/<provider>,
// /integrations/connect/calendar/<provider>, /integrations/connect/video/<provider>; `?reconnect=<id>` reconnects.
import { Link, Navigate, useParams, useSearchParams } from 'react-router';
import { ButtonLink } from '../../components/Button';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/States';
import { useDocumentTitle } from '../../lib/hooks';
import { connectPath, findTarget, KIND_LIST_PATH, targetsForProvider, type ConnectKind, type ConnectTarget } from '../integrations/providers';
import { ConnectDetails, ConnectionWizard, WIZARD_PATH } from './ConnectionWizard';

export function ConnectWizardPage() {
  useDocumentTitle('Connect an account');
  return (
    <>
      <PageHeader title="Connect an account" description="Link a calendar or a video meeting service to Junction. It takes about a minute." />
      <ConnectionWizard />
    </>
  );
}

function UnknownProvider({ provider, kind }: { provider: string | undefined; kind: ConnectKind | null }) {
  useDocumentTitle('Unknown provider');
  const wizard = kind ? `${WIZARD_PATH}?kind=${kind}` : WIZARD_PATH;
  return (
    <>
      <PageHeader title="Connect an account" />
      <EmptyState title="Junction does not know this provider" action={<ButtonLink to={wizard}>Choose a provider</ButtonLink>}>
        <p>
          “<code>{provider}</code>” is not a {kind ? `${kind} ` : ''}provider Junction can connect.
        </p>
      </EmptyState>
    </>
  );
}

function ConnectTargetPage({ target }: { target: ConnectTarget }) {
  const [search] = useSearchParams();
  const reconnectId = search.get('reconnect');
  const verb = reconnectId ? 'Reconnect' : 'Connect';
  useDocumentTitle(`${verb} ${target.label}`);
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <ButtonLink variant="ghost" size="sm" to={KIND_LIST_PATH[target.kind]}>
          ← {target.kind === 'calendar' ? 'Calendars' : 'Video'}
        </ButtonLink>
      </nav>
      <PageHeader title={`${verb} ${target.label}`} description={target.tagline} />
      <ConnectDetails key={`${target.slug}:${reconnectId ?? ''}`} target={target} reconnectId={reconnectId} cancelTo={KIND_LIST_PATH[target.kind]} />
    </>
  );
}

/** Google offers both a calendar and Meet: ask which. */
function ChooseKind({ targets }: { targets: ConnectTarget[] }) {
  const [search] = useSearchParams();
  const reconnect = search.get('reconnect');
  const company = targets[0]!.company;
  useDocumentTitle(`Connect ${company}`);
  return (
    <>
      <PageHeader title={`Connect ${company}`} description={`${company} offers more than one service. Which one do you want to connect?`} />
      <ul className="choice-grid">
        {targets.map((t) => (
          <li key={t.slug}>
            <Link className="choice-card" to={connectPath(t, reconnect)}>
              <span className="choice-title">{t.label}</span>
              <span className="choice-text">{t.tagline}</span>
              <span className="choice-meta">{t.kind === 'calendar' ? 'Calendar' : 'Video meetings'}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export function ConnectAnyPage() {
  const { provider } = useParams();
  const [search] = useSearchParams();
  if (provider === 'calendar' || provider === 'video') return <Navigate to={`${WIZARD_PATH}?kind=${provider}`} replace />;
  const targets = targetsForProvider(provider);
  if (targets.length === 0) return <UnknownProvider provider={provider} kind={null} />;
  if (targets.length === 1) {
    const reconnect = search.get('reconnect');
    return <ConnectTargetPage key={targets[0]!.slug + (reconnect ?? '')} target={targets[0]!} />;
  }
  return <ChooseKind targets={targets} />;
}

function ConnectKindPage({ kind }: { kind: ConnectKind }) {
  const { provider } = useParams();
  const target = findTarget(kind, provider);
  if (!target) return <UnknownProvider provider={provider} kind={kind} />;
  return <ConnectTargetPage key={target.slug} target={target} />;
}

export const ConnectCalendarPage = () => <ConnectKindPage kind="calendar" />;
export const ConnectVideoPage = () => <ConnectKindPage kind="video" />;
