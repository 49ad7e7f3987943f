// /integrations/webhooks: every webhook with its events, status (and why it is disabled), success rate over
// 7 days and last delivery; Create (a dialog with the WebhookForm, then the secret shown once) and a per-row Test.
// Kept live by `webhook:delivery` and `integration:changed`.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { WEBHOOK_STATS_WINDOW_DAYS, type WebhookCreated, type WebhookView } from '../../../shared/domain';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import { Button, ButtonLink } from '../../components/Button';
import { Dialog, DialogActions } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { eventLabel, TestResultView, WebhookForm, type WebhookFormInput } from '../../components/WebhookForm';
import { useDocumentTitle, useOrganizerZone, usePush } from '../../lib/hooks';
import { useWebhooks } from '../../stores/webhooks';
import { LastDelivery, SuccessRate, useWebhookTest, WebhookStatus, TestDialog } from './parts';
import { SecretOnce } from './SecretOnce';

/** Calls `fn` once after a burst of calls settles (pushes arrive in bursts when many deliveries run). */
export function useDebounced(fn: () => void, ms = 250): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}

function EventsCell({ events }: { events: string[] }) {
  if (events.length === 0) return <span className="muted">None</span>;
  if (events.length === 5) return <span>All events</span>;
  return (
    <ul className="wh-event-list">
      {events.map((e) => (
        <li key={e}>{eventLabel(e)}</li>
      ))}
    </ul>
  );
}

function CreateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useWebhooks((s) => s.create);
  const navigate = useNavigate();
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const test = useWebhookTest(created?.webhook.id ?? null);
  const clearTest = test.clear;
  useEffect(() => {
    if (!open) {
      setCreated(null);
      clearTest();
    }
  }, [open, clearTest]);

  const save = async (input: WebhookFormInput, { thenTest }: { thenTest: boolean }) => {
    const r = await create(input);
    setCreated(r);
    if (thenTest) void test.run(r.webhook.id);
  };
  return (
    <Dialog open={open} title={created ? 'Webhook created' : 'Create a webhook'} onClose={onClose}>
      {created ? (
        <div className="wh-created">
          <p>
            <span className="strong">{created.webhook.name}</span> will receive the events you chose at{' '}
            <span className="wh-url-line">{created.webhook.webhookUrl}</span>.
          </p>
          <SecretOnce secret={created.secret} heading="Signing secret" />
          {test.state && <TestResultView state={test.state} />}
          <DialogActions>
            <Button onClick={() => void test.run(created.webhook.id)} loading={test.state?.running}>
              {test.state ? 'Send test again' : 'Send test'}
            </Button>
            <Button onClick={() => navigate(`/integrations/webhooks/${created.webhook.id}`)}>Open webhook</Button>
            <Button variant="primary" onClick={onClose} data-autofocus>
              Done
            </Button>
          </DialogActions>
        </div>
      ) : (
        open && <WebhookForm mode="create" onSave={save} onCancel={onClose} />
      )}
    </Dialog>
  );
}

export function WebhooksPage() {
  useDocumentTitle('Webhooks');
  const { items, status, error, load } = useWebhooks();
  const zone = useOrganizerZone();
  const [creating, setCreating] = useState(false);
  const [testing, setTesting] = useState<WebhookView | null>(null);

  useEffect(() => {
    void load();
  }, [load]);
  const reload = useDebounced(() => void load());
  usePush('webhook:delivery', reload);
  usePush(
    'integration:changed',
    useCallback(
      (p: IntegrationChanged) => {
        if (p.integrationType === 'webhook') reload();
      },
      [reload],
    ),
  );

  const columns: Column<WebhookView>[] = [
    {
      key: 'name',
      header: 'Webhook',
      className: 'wh-col-name',
      render: (w) => (
        <>
          <Link className="strong" to={`/integrations/webhooks/${w.id}`}>
            {w.name}
          </Link>
          <div className="wh-url-line" title={w.webhookUrl}>
            {w.webhookUrl}
          </div>
        </>
      ),
    },
    { key: 'events', header: 'Events', className: 'wh-col-events', render: (w) => <EventsCell events={w.events} /> },
    { key: 'status', header: 'Status', className: 'wh-col-status', render: (w) => <WebhookStatus w={w} /> },
    { key: 'rate', header: `Success (${WEBHOOK_STATS_WINDOW_DAYS} days)`, className: 'wh-col-rate', render: (w) => <SuccessRate w={w} /> },
    { key: 'last', header: 'Last delivery', className: 'wh-col-last', render: (w) => <LastDelivery last={w.stats?.lastDelivery} zone={zone} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'col-actions col-actions-stack',
      render: (w) => (
        <div className="row-actions">
          <Button size="sm" onClick={() => setTesting(w)} aria-label={`Send a test to ${w.name}`}>
            Test
          </Button>
          <ButtonLink size="sm" to={`/integrations/webhooks/${w.id}`} aria-label={`Manage ${w.name}`}>
            Manage
          </ButtonLink>
        </div>
      ),
    },
  ];

  const createButton = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      Create webhook
    </Button>
  );
  let body;
  if (status === 'idle' || status === 'loading') body = <LoadingState label="Loading webhooks…" />;
  else if (status === 'error') body = <ErrorState title="Webhooks could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (items.length === 0)
    body = (
      <EmptyState title="No webhooks yet" action={createButton}>
        A webhook sends a signed HTTP POST to your own service (a CRM, a spreadsheet script, Zapier) when a booking is
        created, cancelled, rescheduled or completed.
      </EmptyState>
    );
  else
    body = (
      <>
        <Table caption="Webhooks" columns={columns} rows={items} rowKey={(w) => w.id} />
        <p className="muted small wh-footnote">
          Success is the share of deliveries made in the last {WEBHOOK_STATS_WINDOW_DAYS} days that the endpoint accepted (a
          2xx answer); deliveries still waiting are not counted.
        </p>
      </>
    );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Signed HTTP notifications (Standard Webhooks) to your own endpoints when bookings change."
        actions={status === 'ready' && items.length > 0 ? createButton : undefined}
      />
      <section aria-label="Webhooks" aria-busy={status === 'loading' || undefined}>
        {body}
      </section>
      <CreateDialog open={creating} onClose={() => setCreating(false)} />
      <TestDialog webhook={testing} onClose={() => setTesting(null)} />
    </>
  );
}
