// Where a sign-in ends: `/integrations/callback`. The browser host's callback route redirects here with the
// outcome in the query; the provider's raw redirect (state + code) is finished here through `oauth:callback`;
// with no query (Electron: the deep link went to main) it waits for `integration:changed`.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { LogEntry, OAuthResult } from '../../../shared/domain';
import type { ErrorCode } from '../../../shared/errors';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import { call, ClientError, describeCode } from '../../api/client';
import { Button, ButtonLink } from '../../components/Button';
import { PageHeader } from '../../components/PageHeader';
import { useDocumentTitle, usePush } from '../../lib/hooks';
import { connectPath, IDENTITY_LABEL, KIND_LIST_PATH, notAllowedSentence, targetOf, type ConnectTarget } from '../integrations/providers';
import { errorQuery, parseCallback, successQuery, type CallbackParams } from './callback-params';
import { WIZARD_PATH } from './ConnectionWizard';

/** Seconds before a clean success moves on to the list by itself. */
export const REDIRECT_SECONDS = 8;

// `oauth:callback` spends the single-use state: one call per URL, even if the component mounts twice.
const finishing = new Map<string, Promise<OAuthResult>>();

type Success = Extract<CallbackParams, { status: 'success' }>;
type Failure = Extract<CallbackParams, { status: 'error' }>;

function ResultIcon({ tone }: { tone: 'success' | 'warning' | 'danger' }) {
  return (
    <span className={`result-icon result-icon-${tone}`} aria-hidden="true">
      {tone === 'success' ? '✓' : '!'}
    </span>
  );
}

/** Fills in what the query left out (email, missing scopes) from the integration itself. */
function useDetails(p: Success): { email: string | null; missing: string[] } {
  const [found, setFound] = useState<{ email: string | null; missing: string[] } | null>(null);
  const needs = p.integrationId !== null && (p.email === null || p.missing === null);
  useEffect(() => {
    if (!needs || !p.integrationId) return;
    let live = true;
    const list = p.integrationType === 'video' ? call('video:list', {}) : call('calendar:list', {});
    list
      .then((items: Array<{ id: string; providerEmail: string | null; missingScopes: string[] }>) => {
        const it = items.find((i) => i.id === p.integrationId);
        if (live && it) setFound({ email: it.providerEmail, missing: it.missingScopes });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [needs, p.integrationId, p.integrationType]);
  return { email: p.email ?? found?.email ?? null, missing: p.missing ?? found?.missing ?? [] };
}

function Countdown({ to, label }: { to: string; label: string }) {
  const navigate = useNavigate();
  const [left, setLeft] = useState(REDIRECT_SECONDS);
  const [cancelled, setCancelled] = useState(false);
  useEffect(() => {
    if (cancelled) return;
    if (left <= 0) {
      navigate(to);
      return;
    }
    const t = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(t);
  }, [left, cancelled, navigate, to]);
  return (
    <div className="countdown">
      {/* Announced once, not every second. */}
      <p className="sr-only" role="status">
        {cancelled ? 'Automatic redirect cancelled.' : `Going to ${label} in ${REDIRECT_SECONDS} seconds. Use Stay on this page to cancel.`}
      </p>
      {cancelled ? (
        <p className="muted small" aria-hidden="true">
          Staying on this page.
        </p>
      ) : (
        <>
          <p className="muted small" aria-hidden="true">
            Going to {label} in {left} s…
          </p>
          <Button size="sm" variant="ghost" onClick={() => setCancelled(true)}>
            Stay on this page
          </Button>
        </>
      )}
    </div>
  );
}

function SuccessView({ p }: { p: Success }) {
  const target = targetOf(p.provider, p.integrationType);
  const { email, missing } = useDetails(p);
  const kind = target?.kind ?? p.integrationType ?? 'calendar';
  const listPath = KIND_LIST_PATH[kind];
  const listLabel = kind === 'calendar' ? 'Calendars' : 'Video';
  const name = target?.label ?? p.provider ?? 'The account';
  const headingId = useId();
  const partial = missing.length > 0;
  return (
    <section className={`card result ${partial ? 'result-warning' : 'result-success'}`} aria-labelledby={headingId}>
      <div className="result-head">
        <ResultIcon tone={partial ? 'warning' : 'success'} />
        <h2 className="result-title" id={headingId} tabIndex={-1} data-autofocus>
          {name} {p.reconnected ? 'reconnected' : 'connected'}
          {email ? ` as ${email}` : ''}
        </h2>
      </div>
      {kind === 'calendar' ? (
        <p className="result-text">
          Calendar sync is not part of this version yet: once it is, busy times from this calendar appear under{' '}
          <Link to="/blocked-times">Blocked times</Link>.
        </p>
      ) : (
        <p className="result-text">New bookings can now get {name} meeting links.</p>
      )}
      {partial && (
        <div className="partial-grant" role="alert">
          <h3 className="partial-title">Some permissions were not granted</h3>
          <ul className="partial-list">
            {missing.map((s) => (
              <li key={s}>
                {notAllowedSentence(s)} <code className="perm-scope">{s}</code>
              </li>
            ))}
          </ul>
          <p>
            Until they are allowed, {name} is marked as missing permissions and Junction cannot do all of its work. Connect again and leave
            every box ticked on {target?.company ?? 'the provider'}’s page.
          </p>
          {target && p.integrationId && (
            <ButtonLink variant="primary" to={connectPath(target, p.integrationId)}>
              Connect again
            </ButtonLink>
          )}
        </div>
      )}
      <div className="result-actions">
        <ButtonLink variant={partial ? 'secondary' : 'primary'} to={listPath}>
          Go to dashboard
        </ButtonLink>
        {!partial && <Countdown to={listPath} label={listLabel} />}
      </div>
    </section>
  );
}

/** What happened (when the query carried no message) and what to do next. */
function advice(code: ErrorCode | null, target: ConnectTarget | null): { happened: string; todo: string } {
  const who = target?.company ?? 'the provider';
  switch (code) {
    case 'OAUTH_DENIED':
      return { happened: `Access was not allowed on ${who}’s page. Nothing was changed.`, todo: 'To connect, try again and choose Allow.' };
    case 'OAUTH_STATE_INVALID':
      return {
        happened: 'This sign-in had expired, was already used, or was not started from this Junction. Nothing was changed.',
        todo: 'Start again from the connect page; a sign-in must finish within 10 minutes.',
      };
    case 'OAUTH_FAILED':
      return { happened: `${who} did not complete the sign-in. Nothing was changed.`, todo: 'Try again. If it keeps failing, the logs say more.' };
    case 'INSUFFICIENT_SCOPE':
      return { happened: `${who} did not grant every permission Junction needs. Nothing was changed.`, todo: `On ${who}’s page, leave every permission ticked.` };
    case 'NOT_CONFIGURED':
      return { happened: 'Junction has no OAuth client for this provider yet.', todo: 'Add one in Settings → Providers, then try again.' };
    case 'PROVIDER_UNAVAILABLE':
    case 'RATE_LIMITED':
      return { happened: `${who} could not be reached. Nothing was changed.`, todo: 'Try again in a moment.' };
    default:
      return { happened: 'The sign-in did not finish. Nothing was changed.', todo: 'Try again. If it keeps failing, the logs say more.' };
  }
}

function ErrorView({ p }: { p: Failure }) {
  const target = targetOf(p.provider, p.integrationType);
  const headingId = useId();
  const retry = target ? connectPath(target) : p.provider ? `/integrations/connect/${encodeURIComponent(p.provider)}` : WIZARD_PATH;
  const { happened, todo } = advice(p.code, target);
  const message = p.message ?? happened;
  return (
    <section className="card result result-error" aria-labelledby={headingId} role="alert">
      <div className="result-head">
        <ResultIcon tone="danger" />
        <h2 className="result-title" id={headingId} tabIndex={-1} data-autofocus>
          {target ? `${target.label} was not connected` : 'The account was not connected'}
        </h2>
      </div>
      <p className="result-text">{message}</p>
      <p className="result-text">
        <span className="strong">What to do: </span>
        {todo}
      </p>
      {p.code && <p className="result-code muted small">Error code: {p.code}</p>}
      <div className="result-actions">
        <ButtonLink variant="primary" to={retry}>
          {p.code === 'INSUFFICIENT_SCOPE' ? 'Connect again' : 'Try again'}
        </ButtonLink>
        {p.code === 'NOT_CONFIGURED' && target?.identity && (
          <ButtonLink to={`/settings/providers#provider-${target.identity}`}>Open Settings → Providers ({IDENTITY_LABEL[target.identity]})</ButtonLink>
        )}
        <ButtonLink variant="ghost" to={target ? KIND_LIST_PATH[target.kind] : '/integrations'}>
          Go to dashboard
        </ButtonLink>
        {!p.code || p.code === 'INTERNAL' || p.code === 'OAUTH_FAILED' ? (
          <ButtonLink variant="ghost" to="/integrations/logs">
            Open the logs
          </ButtonLink>
        ) : null}
      </div>
    </section>
  );
}

function Processing({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card result" aria-busy="true">
      <div className="result-head" role="status">
        <span className="spinner" aria-hidden="true" />
        <h2 className="result-title">{title}</h2>
      </div>
      <div className="result-text muted">{children}</div>
    </section>
  );
}

/** No query: the sign-in finishes elsewhere (Electron's deep link reaches main, which pushes the change). */
function Waiting() {
  const navigate = useNavigate();
  const onChanged = useCallback(
    (p: IntegrationChanged) => {
      if (p.integrationType === 'webhook' || (p.change !== 'created' && p.change !== 'updated')) return;
      navigate(
        `/integrations/callback?${successQuery({ integrationType: p.integrationType, integrationId: p.id, provider: p.provider ?? '', reconnected: p.change === 'updated' })}`,
        { replace: true },
      );
    },
    [navigate],
  );
  usePush('integration:changed', onChanged);
  // Electron reports a failed callback only as an `account` log entry.
  const onLog = useCallback(
    (entry: LogEntry) => {
      if (entry.logType !== 'account' || entry.success) return;
      navigate(`/integrations/callback?${errorQuery({ code: 'OAUTH_FAILED', message: entry.message })}`, { replace: true });
    },
    [navigate],
  );
  usePush('log:appended', onLog);
  return (
    <>
      <Processing title="Waiting for the provider…">
        <p>Finish signing in in your browser. This page moves on as soon as Junction hears back. Nothing was connected yet.</p>
      </Processing>
      <p className="result-after">
        <Link to={WIZARD_PATH}>Start again</Link> · <Link to="/integrations">Go to the overview</Link>
      </p>
    </>
  );
}

/** The provider's redirect itself: hand the whole URL to `oauth:callback`, then show its outcome via the query. */
function FinishRaw() {
  const navigate = useNavigate();
  useEffect(() => {
    const url = window.location.href;
    let p = finishing.get(url);
    if (!p) {
      p = call('oauth:callback', { url });
      finishing.set(url, p);
    }
    let live = true;
    p.then(
      (r) => {
        if (!live) return;
        const q = successQuery({
          integrationType: r.integrationType,
          integrationId: r.integrationId,
          provider: r.provider,
          email: r.email,
          reconnected: r.status === 'reconnected',
          missing: r.missingScopes,
        });
        navigate(`/integrations/callback?${q}`, { replace: true });
      },
      (err: unknown) => {
        if (!live) return;
        const code = err instanceof ClientError ? err.code : 'INTERNAL';
        const message = err instanceof Error ? err.message : describeCode(code);
        navigate(`/integrations/callback?${errorQuery({ code, message })}`, { replace: true });
      },
    );
    return () => {
      live = false;
    };
  }, [navigate]);
  return (
    <Processing title="Finishing sign-in…">
      <p>Junction is checking the provider’s answer and saving the connection.</p>
    </Processing>
  );
}

export function OAuthCallback() {
  const { search } = useLocation();
  const params = parseCallback(new URLSearchParams(search));
  const ref = useRef<HTMLDivElement>(null);
  // Put the keyboard and screen reader on the outcome when it appears.
  // After the layout's own focus move on navigation (parents' effects run after children's).
  useEffect(() => {
    const t = setTimeout(() => ref.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus({ preventScroll: true }), 0);
    return () => clearTimeout(t);
  }, [params.status]);
  return (
    <div ref={ref}>
      {params.status === 'success' ? (
        <SuccessView p={params} />
      ) : params.status === 'error' ? (
        <ErrorView p={params} />
      ) : params.status === 'raw' ? (
        <FinishRaw />
      ) : (
        <Waiting />
      )}
    </div>
  );
}

export function CallbackPage() {
  const { search } = useLocation();
  const status = parseCallback(new URLSearchParams(search)).status;
  const title = status === 'success' ? 'Connected' : status === 'error' ? 'Sign-in not completed' : 'Finishing sign-in';
  useDocumentTitle(title);
  return (
    <>
      <PageHeader title={title} />
      <OAuthCallback />
    </>
  );
}
