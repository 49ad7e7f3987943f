// The permissions + Connect block: what Junction asks the provider for, in plain words, how the tokens are
// kept, and the button that starts `oauth:initiate`. In Electron the system browser opens and this waits for
// `integration:changed`; in the browser host the window goes to the provider's page.
import { useCallback, useEffect, useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { LogEntry, OAuthStart } from '../../../shared/domain';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import { call, ClientError, errorMessage } from '../../api/client';
import { Button, ButtonLink } from '../../components/Button';
import { usePush } from '../../lib/hooks';
import { formatClock } from '../../lib/time';
import { useSettings } from '../../stores/settings';
import { IDENTITY_LABEL, scopeSentence, type ConnectTarget } from '../integrations/providers';
import { successQuery } from './callback-params';

type Phase =
  | { k: 'idle' }
  | { k: 'starting' }
  | { k: 'redirecting' }
  | { k: 'waiting'; start: OAuthStart }
  | { k: 'expired' }
  | { k: 'error'; err: unknown };

export function PermissionList({ target }: { target: ConnectTarget }) {
  return (
    <ul className="perm-list">
      {target.scopes.map((scope) => (
        // Long scope URLs go under the sentence instead of squeezing it.
        <li key={scope} className={scope.length > 26 ? 'perm perm-long' : 'perm'}>
          <span className="perm-check" aria-hidden="true">
            ✓
          </span>
          <span className="perm-text">{scopeSentence(scope)}</span>
          <code className="perm-scope" title="The permission’s technical name">
            {scope}
          </code>
        </li>
      ))}
    </ul>
  );
}

export function SecurityNotes({ company, oauth = true }: { company: string; oauth?: boolean }) {
  return (
    <ul className="security-list">
      {oauth ? (
        <>
          <li>You sign in on {company}’s own page, in your browser. Junction never sees your password.</li>
          <li>The access tokens {company} gives Junction are encrypted and stay on this computer. They are never shared, logged or shown.</li>
        </>
      ) : (
        <li>The app-specific password is encrypted and stays on this computer. It is never shared, logged or shown again.</li>
      )}
      <li>
        You can disconnect at any time: Junction then {oauth ? `revokes its access at ${company} where ${company} allows it, and ` : ''}deletes
        the {oauth ? 'tokens' : 'password'} from this computer.
      </li>
    </ul>
  );
}

function ConnectError({ err, target }: { err: unknown; target: ConnectTarget }) {
  const code = err instanceof ClientError ? err.code : null;
  if (code === 'NOT_CONFIGURED' && target.identity) {
    const who = IDENTITY_LABEL[target.identity];
    return (
      <div className="form-error" role="alert">
        <p>{errorMessage(err) || `Junction has no OAuth client for ${who} yet — add one in Settings → Providers.`}</p>
        <p className="form-error-link">
          <Link to={`/settings/providers#provider-${target.identity}`}>Add a {who} OAuth client in Settings → Providers</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="form-error" role="alert">
      <p>{errorMessage(err)}</p>
    </div>
  );
}

export function OAuthConnector({ target, reconnectId, cancelTo }: { target: ConnectTarget; reconnectId?: string | null; cancelTo: string }) {
  const [phase, setPhase] = useState<Phase>({ k: 'idle' });
  const navigate = useNavigate();
  const zone = useSettings((s) => s.settings?.timeZone ?? 'UTC');
  const headingId = useId();
  const reconnect = !!reconnectId;

  const start = async () => {
    if (!target.oauthProvider) return;
    setPhase({ k: 'starting' });
    try {
      const started = await call('oauth:initiate', {
        provider: target.oauthProvider,
        integrationType: target.kind,
        ...(reconnectId ? { reconnectId } : {}),
      });
      if (started.openedExternally) {
        setPhase({ k: 'waiting', start: started });
      } else {
        setPhase({ k: 'redirecting' });
        window.location.assign(started.authorizationUrl);
      }
    } catch (err) {
      setPhase({ k: 'error', err });
    }
  };

  // The state behind the browser's sign-in page expires; stop waiting when it does.
  const waitingUntil = phase.k === 'waiting' ? phase.start.expiresAt : null;
  useEffect(() => {
    if (waitingUntil === null) return;
    const t = setTimeout(() => setPhase({ k: 'expired' }), Math.max(0, waitingUntil - Date.now()));
    return () => clearTimeout(t);
  }, [waitingUntil]);

  // Electron: the deep link / loopback callback lands in main, which pushes the change.
  const waiting = phase.k === 'waiting';
  const onChanged = useCallback(
    (p: IntegrationChanged) => {
      if (!waiting || p.integrationType !== target.kind) return;
      if (p.change !== 'created' && p.change !== 'updated') return;
      if (p.provider !== null && p.provider !== target.slug) return;
      if (reconnectId && p.id !== reconnectId) return;
      navigate(`/integrations/callback?${successQuery({ integrationType: target.kind, integrationId: p.id, provider: target.slug, reconnected: reconnect })}`);
    },
    [waiting, target, reconnectId, reconnect, navigate],
  );
  usePush('integration:changed', onChanged);
  // A failed Electron callback (Deny, expired state…) reaches the window only as an `account` log entry.
  const onLog = useCallback(
    (entry: LogEntry) => {
      if (waiting && entry.logType === 'account' && !entry.success) setPhase({ k: 'error', err: new ClientError('OAUTH_FAILED', entry.message) });
    },
    [waiting],
  );
  usePush('log:appended', onLog);

  const busy = phase.k === 'starting' || phase.k === 'redirecting';
  return (
    <section className="card connector" aria-labelledby={headingId}>
      <h2 className="card-title" id={headingId}>
        What Junction asks {target.company} for
      </h2>
      <p className="muted connector-intro">
        {target.company} will show its own page listing these permissions. Junction asks only for what {target.label} needs:
      </p>
      <PermissionList target={target} />
      <h3 className="connector-subtitle">Your security</h3>
      <SecurityNotes company={target.company} />

      <div className="connector-status" aria-live="polite">
        {phase.k === 'error' && <ConnectError err={phase.err} target={target} />}
        {phase.k === 'redirecting' && (
          <p className="waiting" role="status">
            <span className="spinner" aria-hidden="true" /> Opening {target.company}’s sign-in page…
          </p>
        )}
        {phase.k === 'waiting' && (
          <div className="waiting waiting-box" role="status">
            <span className="spinner" aria-hidden="true" />
            <div>
              <p className="strong">Finish signing in in your browser… waiting</p>
              <p className="muted small">
                Junction opened {target.company}’s sign-in page in your browser. Choose Allow there; this page moves on by itself. The
                sign-in link is valid until {formatClock(phase.start.expiresAt, zone)}.
              </p>
            </div>
          </div>
        )}
        {phase.k === 'expired' && (
          <div className="form-error" role="alert">
            <p>The sign-in link expired before {target.company} answered. Nothing was changed. Start again when you are ready.</p>
          </div>
        )}
      </div>

      <div className="connector-actions">
        {phase.k === 'waiting' ? (
          <Button onClick={() => setPhase({ k: 'idle' })}>Cancel</Button>
        ) : (
          <>
            <Button variant="primary" onClick={() => void start()} loading={busy}>
              {reconnect ? `Reconnect ${target.label}` : `Connect ${target.label}`}
            </Button>
            <ButtonLink variant="ghost" to={cancelTo}>
              Cancel
            </ButtonLink>
          </>
        )}
      </div>
    </section>
  );
}
