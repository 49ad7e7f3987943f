// /integrations/webhooks/:id: the webhook's figures and status, its signing secret (masked; Reveal, Rotate with a
// grace period), its settings (the WebhookForm, with Send test) and its delivery log (paged, filtered by status,
// each delivery expandable to its attempts, Redeliver one / selected / all failed), live by `webhook:delivery`.
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { WEBHOOK_STATS_WINDOW_DAYS, type WebhookSecretRotated, type WebhookView } from '../../../shared/domain';
import type { IntegrationChanged, WebhookDeliveryPush } from '../../../shared/ipc/push';
import { ClientError, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog, DialogActions } from '../../components/Dialog';
import { FormError, Select } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, LoadingState } from '../../components/States';
import { WebhookForm, type WebhookFormInput } from '../../components/WebhookForm';
import { useDocumentTitle, useOrganizerZone, usePush } from '../../lib/hooks';
import { formatDateTime } from '../../lib/time';
import { toast } from '../../stores/toasts';
import { getWebhook, revealWebhookSecret, rotateWebhookSecret, updateInputOf, useDeliveries, useWebhooks } from '../../stores/webhooks';
import { DeliveryLog } from './DeliveryLog';
import { BackToWebhooks, LastDelivery, percent, sentence, useWebhookTest, WebhookStatus } from './parts';
import { SecretOnce, SecretValue } from './SecretOnce';
import { useDebounced } from './WebhooksPage';

type Load = { state: 'loading' } | { state: 'error'; message: string; gone: boolean } | { state: 'ready'; webhook: WebhookView };

function useWebhook(id: string) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const fetchIt = useCallback(async () => {
    try {
      setLoad({ state: 'ready', webhook: await getWebhook(id) });
    } catch (err) {
      setLoad((prev) =>
        // A failed live reload keeps the page; only the first load (or a deletion) shows the error.
        prev.state === 'ready' && !(err instanceof ClientError && err.code === 'NOT_FOUND')
          ? prev
          : { state: 'error', message: errorMessage(err), gone: err instanceof ClientError && err.code === 'NOT_FOUND' },
      );
    }
  }, [id]);
  useEffect(() => {
    void fetchIt();
  }, [fetchIt]);
  return { load, setLoad, reload: fetchIt };
}

function StatsCard({ w, zone }: { w: WebhookView; zone: string }) {
  const s = w.stats;
  return (
    <section className="card wh-summary" aria-labelledby="wh-summary-title">
      <h2 className="card-title" id="wh-summary-title">
        Deliveries
      </h2>
      <dl className="wh-stats">
        <div className="wh-stat">
          <dt className="stat-label">Status</dt>
          <dd className="wh-stat-value-sm">
            <WebhookStatus w={w} reason={false} />
          </dd>
        </div>
        <div className="wh-stat">
          <dt className="stat-label">Success rate ({WEBHOOK_STATS_WINDOW_DAYS} days)</dt>
          <dd className="stat-value">{s?.successRate == null ? '—' : percent(s.successRate)}</dd>
        </div>
        <div className="wh-stat">
          <dt className="stat-label">Delivered</dt>
          <dd className="stat-value">{s?.delivered ?? 0}</dd>
        </div>
        <div className={`wh-stat${(s?.failed ?? 0) > 0 ? ' stat-danger' : ''}`}>
          <dt className="stat-label">Failed</dt>
          <dd className="stat-value">{s?.failed ?? 0}</dd>
        </div>
        <div className="wh-stat">
          <dt className="stat-label">Waiting</dt>
          <dd className="stat-value">{s?.pending ?? 0}</dd>
        </div>
        <div className="wh-stat">
          <dt className="stat-label">Last delivery</dt>
          <dd className="wh-stat-value-sm">
            <LastDelivery last={s?.lastDelivery} zone={zone} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

const GRACE_OPTIONS = [
  { value: '0', label: 'None: the old secret stops working now' },
  { value: '1', label: '1 hour' },
  { value: '24', label: '24 hours (recommended)' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
];

function RotateDialog({ w, open, onClose, onRotated }: { w: WebhookView; open: boolean; onClose: () => void; onRotated: () => void }) {
  const zone = useOrganizerZone();
  const [grace, setGrace] = useState('24');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<WebhookSecretRotated | null>(null);
  useEffect(() => {
    if (!open) {
      setResult(null);
      setError(null);
      setGrace('24');
    }
  }, [open]);
  const rotate = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await rotateWebhookSecret(w.id, Number(grace)));
      onRotated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const graceOver = result && result.previousExpiresAt > Date.now() + 1000;
  return (
    <Dialog
      open={open}
      size="sm"
      title={result ? 'Secret rotated' : 'Rotate the signing secret?'}
      onClose={onClose}
      description={
        result ? undefined : (
          <p>
            Junction makes a new secret now. During the grace period each delivery carries two signatures, one with the old
            secret and one with the new, so your receiver keeps working while you update it.
          </p>
        )
      }
    >
      {result ? (
        <>
          <SecretOnce secret={result.secret} heading="New signing secret">
            <p className="small">
              {graceOver ? (
                <>
                  The previous secret also signs deliveries until{' '}
                  <strong>
                    <time dateTime={new Date(result.previousExpiresAt).toISOString()}>{formatDateTime(result.previousExpiresAt, zone)}</time>
                  </strong>{' '}
                  ({zone.replace(/_/g, ' ')}).
                </>
              ) : (
                'The previous secret no longer signs deliveries.'
              )}
            </p>
          </SecretOnce>
          <DialogActions>
            <Button variant="primary" onClick={onClose} data-autofocus>
              Done
            </Button>
          </DialogActions>
        </>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void rotate();
          }}
        >
          <Select label="Grace period" value={grace} onValueChange={setGrace} options={GRACE_OPTIONS} hint="How long the old secret keeps signing too." />
          <FormError message={error} />
          <DialogActions>
            <Button onClick={onClose} disabled={busy} data-autofocus>
              Keep the current secret
            </Button>
            <Button type="submit" variant="primary" loading={busy}>
              Rotate secret
            </Button>
          </DialogActions>
        </form>
      )}
    </Dialog>
  );
}

function SecretCard({ w, onRotated }: { w: WebhookView; onRotated: () => void }) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rotating, setRotating] = useState(false);
  // A rotation makes a revealed secret stale.
  useEffect(() => setRevealed(null), [w.secretMasked]);
  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setRevealed((await revealWebhookSecret(w.id)).secret);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card wh-secret-card" aria-labelledby="wh-secret-title">
      <div className="card-head">
        <h2 className="card-title" id="wh-secret-title">
          Signing secret
        </h2>
      </div>
      <p className="muted small">
        Your receiver checks the <code>webhook-signature</code> header of every delivery with this secret (HMAC-SHA256,
        Standard Webhooks).
      </p>
      <FormError message={error} />
      {revealed ? (
        <SecretValue secret={revealed} label="Signing secret">
          <Button size="sm" onClick={() => setRevealed(null)}>
            Hide
          </Button>
          <Button size="sm" onClick={() => setRotating(true)}>
            Rotate secret…
          </Button>
        </SecretValue>
      ) : (
        <div className="wh-secret-value">
          <code className="wh-secret-code wh-secret-masked" aria-label="Signing secret, hidden">
            {w.secretMasked}
          </code>
          <div className="wh-card-actions">
            <Button size="sm" onClick={() => void reveal()} loading={busy}>
              Reveal
            </Button>
            <Button size="sm" onClick={() => setRotating(true)}>
              Rotate secret…
            </Button>
          </div>
        </div>
      )}
      <RotateDialog w={w} open={rotating} onClose={() => setRotating(false)} onRotated={onRotated} />
    </section>
  );
}

function DeleteDialog({ w, open, onClose }: { w: WebhookView; open: boolean; onClose: () => void }) {
  const remove = useWebhooks((s) => s.remove);
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await remove(w.id);
      toast(`Webhook “${w.name}” deleted`, 'success');
      navigate('/integrations/webhooks');
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      size="sm"
      title={`Delete “${w.name}”?`}
      onClose={onClose}
      description={
        <div className="wh-dialog-text">
          <p>Junction stops sending to this endpoint at once and deletes the webhook with its delivery log and waiting deliveries.</p>
          <p>This cannot be undone. To stop deliveries for a while, turn it off instead.</p>
        </div>
      }
    >
      <FormError message={error} />
      <DialogActions>
        <Button onClick={onClose} disabled={busy} data-autofocus>
          Keep webhook
        </Button>
        <Button variant="danger" onClick={() => void confirm()} loading={busy}>
          Delete webhook
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function WebhookDetail({ id }: { id: string }) {
  const zone = useOrganizerZone();
  const { load, setLoad, reload } = useWebhook(id);
  const update = useWebhooks((s) => s.update);
  const refreshLog = useDeliveries((s) => s.refresh);
  const test = useWebhookTest(id);
  const [deleting, setDeleting] = useState(false);
  const [toggling, setToggling] = useState(false);
  const w = load.state === 'ready' ? load.webhook : null;
  useDocumentTitle(w ? w.name : 'Webhook');

  // Live: a delivery of this webhook changed (figures, log), or the webhook itself (a 410 disabled it, deleted).
  const reloadSoon = useDebounced(() => void reload());
  const refreshLogSoon = useDebounced(() => void refreshLog());
  usePush(
    'webhook:delivery',
    useCallback(
      (p: WebhookDeliveryPush) => {
        if (p.webhookId !== id) return;
        reloadSoon();
        refreshLogSoon();
      },
      [id, reloadSoon, refreshLogSoon],
    ),
  );
  usePush(
    'integration:changed',
    useCallback(
      (p: IntegrationChanged) => {
        if (p.integrationType === 'webhook' && p.id === id) reloadSoon();
      },
      [id, reloadSoon],
    ),
  );

  const set = (next: WebhookView) => setLoad({ state: 'ready', webhook: next });
  const save = async (input: WebhookFormInput, { thenTest }: { thenTest: boolean }) => {
    set(await update({ id, ...input }));
    toast('Webhook saved', 'success');
    if (thenTest) void test.run();
  };
  const toggle = async () => {
    if (!w) return;
    setToggling(true);
    try {
      set(await update(updateInputOf(w, { isActive: !w.isActive })));
      toast(w.isActive ? 'Webhook turned off' : 'Webhook turned on', 'success');
    } catch (err) {
      toast(`${w.isActive ? 'Turning off' : 'Turning on'} failed: ${errorMessage(err)}`, 'danger');
    } finally {
      setToggling(false);
    }
  };

  if (load.state === 'loading')
    return (
      <>
        <BackToWebhooks />
        <PageHeader title="Webhook" />
        <LoadingState label="Loading the webhook…" />
      </>
    );
  if (load.state === 'error')
    return (
      <>
        <BackToWebhooks />
        <PageHeader title="Webhook" />
        <ErrorState
          title={load.gone ? 'This webhook no longer exists' : 'This webhook could not be loaded'}
          message={load.gone ? 'It was deleted, or the link is wrong. The list shows the webhooks there are.' : load.message}
          {...(load.gone ? {} : { onRetry: () => void reload() })}
        />
      </>
    );
  const webhook = load.webhook;
  return (
    <>
      <BackToWebhooks />
      <PageHeader
        title={webhook.name}
        description={<span className="wh-url-line wh-url-head">{webhook.webhookUrl}</span>}
        actions={
          <>
            {webhook.isActive && (
              <Button onClick={() => void toggle()} loading={toggling}>
                Turn off
              </Button>
            )}
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete…
            </Button>
          </>
        }
      />
      {!webhook.isActive && (
        <div className={`wh-banner ${webhook.disabledReason ? 'wh-banner-danger' : ''}`} role="note">
          <div>
            <p className="strong">This webhook is disabled</p>
            <p>{webhook.disabledReason ? sentence(webhook.disabledReason) : 'It was turned off. New events are not delivered to it until you turn it on.'}</p>
          </div>
          <Button variant="primary" size="sm" onClick={() => void toggle()} loading={toggling}>
            Turn on again
          </Button>
        </div>
      )}
      <div className="wh-top">
        <StatsCard w={webhook} zone={zone} />
        <SecretCard w={webhook} onRotated={() => void reload()} />
      </div>
      <section className="card wh-settings" aria-labelledby="wh-settings-title">
        <h2 className="card-title" id="wh-settings-title">
          Settings
        </h2>
        <WebhookForm mode="edit" initial={webhook} onSave={save} onTest={() => void test.run()} test={test.state ?? undefined} />
      </section>
      <DeliveryLog webhook={webhook} zone={zone} />
      <DeleteDialog w={webhook} open={deleting} onClose={() => setDeleting(false)} />
    </>
  );
}

export function WebhookDetailPage() {
  const { id = '' } = useParams();
  // Keyed: another webhook's page starts from its own state.
  return <WebhookDetail key={id} id={id} />;
}

