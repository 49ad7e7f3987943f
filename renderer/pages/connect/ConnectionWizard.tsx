// Choose a kind → choose a provider → review the permissions → connect. Each step lives in the URL
// (`/integrations/connect?kind=calendar&provider=google`), so Back and reload behave.
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../../components/Badge';
import { ButtonLink } from '../../components/Button';
import { findTarget, targetsOfKind, type ConnectKind, type ConnectTarget } from '../integrations/providers';
import { CalDavConnectForm } from './CalDavConnectForm';
import { OAuthConnector } from './OAuthConnector';

const KIND_CHOICES: Array<{ kind: ConnectKind; title: string; text: string; examples: string }> = [
  {
    kind: 'calendar',
    title: 'A calendar',
    text: 'Busy times in your calendar block bookings, so nobody books you when you are already busy.',
    examples: 'Google Calendar, Outlook, Apple iCloud or any CalDAV server',
  },
  {
    kind: 'video',
    title: 'A video meeting service',
    text: 'Every booking gets its own meeting link, created for you.',
    examples: 'Zoom, Google Meet, Microsoft Teams, Webex',
  },
];

export const WIZARD_PATH = '/integrations/connect';

export const KIND_WORD: Record<ConnectKind, string> = { calendar: 'calendar', video: 'video meeting service' };

/** Benefits, then the way in: OAuth permissions + Connect, or the CalDAV form. */
export function ConnectDetails({ target, reconnectId, cancelTo }: { target: ConnectTarget; reconnectId?: string | null; cancelTo: string }) {
  const benefitsId = useId();
  return (
    <div className="connect-grid">
      <section className="card benefits" aria-labelledby={benefitsId}>
        <h2 className="card-title" id={benefitsId}>
          What you get
        </h2>
        <ul className="benefit-list">
          {target.benefits.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
        {reconnectId && (
          <p className="notice benefits-note" role="note">
            Reconnecting restores this connection in place: sign in with the same account. Its settings and history stay as they are.
          </p>
        )}
      </section>
      {target.oauthProvider ? (
        <OAuthConnector target={target} reconnectId={reconnectId ?? null} cancelTo={cancelTo} />
      ) : (
        <CalDavConnectForm cancelTo={cancelTo} reconnect={!!reconnectId} />
      )}
    </div>
  );
}

function Steps({ current }: { current: 1 | 2 | 3 }) {
  const steps = ['Kind', 'Provider', 'Review and connect'];
  return (
    <ol className="steps" aria-label="Steps">
      {steps.map((label, i) => {
        const n = i + 1;
        const state = n < current ? 'done' : n === current ? 'current' : 'todo';
        return (
          <li key={label} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-num" aria-hidden="true">
              {state === 'done' ? '✓' : n}
            </span>
            <span className="step-label">
              <span className="sr-only">Step {n} of 3: </span>
              {label}
              {state === 'done' && <span className="sr-only"> (done)</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function ChoiceCard({ to, title, text, meta, badge }: { to: string; title: string; text: string; meta?: string; badge?: string }) {
  return (
    <li>
      <Link className="choice-card" to={to}>
        <span className="choice-title">
          {title} {badge && <Badge tone="neutral">{badge}</Badge>}
        </span>
        <span className="choice-text">{text}</span>
        {meta && <span className="choice-meta">{meta}</span>}
      </Link>
    </li>
  );
}

export function ConnectionWizard() {
  const [search] = useSearchParams();
  const kindParam = search.get('kind');
  const kind: ConnectKind | null = kindParam === 'calendar' || kindParam === 'video' ? kindParam : null;
  const target = kind ? findTarget(kind, search.get('provider') ?? undefined) : null;
  const headingId = useId();

  if (!kind) {
    return (
      <div className="wizard">
        <Steps current={1} />
        <section aria-labelledby={headingId}>
          <h2 className="wizard-title" id={headingId}>
            What do you want to connect?
          </h2>
          <ul className="choice-grid">
            {KIND_CHOICES.map((c) => (
              <ChoiceCard key={c.kind} to={`${WIZARD_PATH}?kind=${c.kind}`} title={c.title} text={c.text} meta={c.examples} />
            ))}
          </ul>
        </section>
      </div>
    );
  }

  if (!target) {
    return (
      <div className="wizard">
        <Steps current={2} />
        <section aria-labelledby={headingId}>
          <h2 className="wizard-title" id={headingId}>
            Which {KIND_WORD[kind]}?
          </h2>
          <ul className="choice-grid choice-grid-3">
            {targetsOfKind(kind).map((t) => (
              <ChoiceCard
                key={t.slug}
                to={`${WIZARD_PATH}?kind=${kind}&provider=${t.slug}`}
                title={t.label}
                text={t.tagline}
                meta={t.oauthProvider ? `Sign in with ${t.company}` : 'App-specific password'}
              />
            ))}
          </ul>
          <div className="wizard-nav">
            <ButtonLink variant="ghost" to={WIZARD_PATH}>
              ← Back
            </ButtonLink>
          </div>
        </section>
      </div>
    );
  }

  return (
    <div className="wizard">
      <Steps current={3} />
      <h2 className="wizard-title">
        {target.oauthProvider ? `Review what ${target.label} will share` : `Sign in to ${target.label}`}
      </h2>
      <ConnectDetails target={target} cancelTo={`${WIZARD_PATH}?kind=${kind}`} />
    </div>
  );
}
