// The delivery log of one webhook: keyset pages of webhooks:deliveries (Load more), a status filter, each delivery
// expandable to its attempts, Redeliver for one, for the selected ones, and for every failed one. The rows are
// re-read in place when `webhook:delivery` says one of them changed (the page wires that push to `refresh`).
import { Fragment, useEffect, useMemo, useState } from 'react';
import type { WebhookAttemptView, WebhookDeliveryView, WebhookView } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Select } from '../../components/Field';
import { LoadMore } from '../../components/LoadMore';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { EVENT_LABEL, eventLabel } from '../../components/WebhookForm';
import { formatDateTime, relativeTime } from '../../lib/time';
import { toast } from '../../stores/toasts';
import { useDeliveries, type DeliveryStatusFilter } from '../../stores/webhooks';

const EVENT_OPTIONS: { value: string; label: string }[] = [
  { value: 'all', label: 'All events' },
  ...Object.entries(EVENT_LABEL).map(([value, label]) => ({ value, label })),
];
import { DeliveryStatusBadge, deliveryStatusLabel, outcomeLabel } from './parts';

const STATUS_OPTIONS: { value: DeliveryStatusFilter; label: string }[] = [
  { value: 'all', label: 'All deliveries' },
  { value: 'failed', label: 'Failed' },
  { value: 'pending', label: 'Waiting or retrying' },
  { value: 'delivering', label: 'Sending now' },
  { value: 'delivered', label: 'Delivered' },
];
const FILTER_NOUN: Record<DeliveryStatusFilter, string> = {
  all: 'deliveries',
  failed: 'failed deliveries',
  pending: 'waiting deliveries',
  delivering: 'deliveries being sent',
  delivered: 'delivered deliveries',
};

const FILTER_NOUN_ONE: Record<DeliveryStatusFilter, string> = {
  all: 'delivery',
  failed: 'failed delivery',
  pending: 'waiting delivery',
  delivering: 'delivery being sent',
  delivered: 'delivered delivery',
};

const canRedeliver = (d: WebhookDeliveryView) => d.status === 'failed' || d.status === 'delivered';
const okCode = (c: number | null) => c !== null && c >= 200 && c < 300;

function StatusCell({ d, zone }: { d: WebhookDeliveryView; zone: string }) {
  let sub: string | null = null;
  if (d.status === 'delivered' && d.deliveredAt) sub = `at ${formatDateTime(d.deliveredAt, zone)}`;
  else if (d.status === 'pending' && d.nextAttemptAt) sub = d.attempts > 0 ? `Next try ${relativeTime(d.nextAttemptAt)}` : 'Queued';
  return (
    <>
      <DeliveryStatusBadge d={d} />
      {d.lastError && d.status !== 'delivered' && <div className="cell-sub status-reason wh-clamp">{d.lastError}</div>}
      {sub && <div className="cell-sub">{sub}</div>}
    </>
  );
}

function LastResponse({ d }: { d: WebhookDeliveryView }) {
  const a = d.attemptLog[0];
  if (!a) return <span className="muted">No attempt yet</span>;
  return (
    <>
      <span className={okCode(a.statusCode) ? 'wh-code-ok' : 'wh-code-bad'}>{outcomeLabel(a.statusCode)}</span>
      <div className="cell-sub">{a.latencyMs} ms</div>
    </>
  );
}

/** Attempts ever made (a redelivery starts a new round of retries, but the log keeps counting). */
const attemptsMade = (d: WebhookDeliveryView) => Math.max(d.attemptLog[0]?.attempt ?? 0, d.attempts);

function Attempts({ d, zone, id }: { d: WebhookDeliveryView; zone: string; id: string }) {
  if (d.attemptLog.length === 0)
    return (
      <div className="wh-attempts" id={id}>
        <p className="muted small">No attempt has been made yet{d.nextAttemptAt ? `; the first is due ${relativeTime(d.nextAttemptAt)}` : ''}.</p>
      </div>
    );
  return (
    <div className="wh-attempts" id={id}>
      <p className="wh-attempts-title">
        Attempts of <code>{d.id}</code>
        {attemptsMade(d) > d.attemptLog.length ? ` (the newest ${d.attemptLog.length} of ${attemptsMade(d)})` : ''}
      </p>
      <ol className="wh-attempt-list">
        {d.attemptLog.map((a: WebhookAttemptView) => (
          <li key={`${a.attempt}-${a.startedAt}`} className="wh-attempt">
            <div className="wh-attempt-head">
              <span className="strong">Attempt {a.attempt}</span>
              <time className="muted small" dateTime={new Date(a.startedAt).toISOString()}>
                {formatDateTime(a.startedAt, zone)}
              </time>
              <Badge tone={okCode(a.statusCode) ? 'success' : 'danger'}>{outcomeLabel(a.statusCode)}</Badge>
              <span className="muted small">{a.latencyMs} ms</span>
            </div>
            {a.error && <p className="wh-test-error">{a.error}</p>}
            {a.responseExcerpt ? (
              <pre className="wh-excerpt" aria-label={`Response body of attempt ${a.attempt}`}>
                {a.responseExcerpt}
              </pre>
            ) : (
              a.statusCode !== null && <p className="muted small">The response had no body.</p>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function DeliveryLog({ webhook, zone }: { webhook: WebhookView; zone: string }) {
  const { items, nextCursor, status, error, loadingMore, moreError, filter, open, setStatus, setEventType, load, loadMore, redeliver, redeliverAllFailed } = useDeliveries();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    open(webhook.id);
  }, [open, webhook.id]);
  const mine = filter.webhookId === webhook.id;
  const rows = mine ? items : [];
  // Selection only of rows still shown and still redeliverable.
  const selectable = useMemo(() => rows.filter(canRedeliver), [rows]);
  const chosen = selectable.filter((d) => selected.has(d.id));
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;

  const toggle = (set: ReadonlySet<string>, key: string): Set<string> => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  };

  const run = async (key: string, what: () => Promise<number>, none: string) => {
    setBusy(key);
    try {
      const n = await what();
      toast(n === 0 ? none : n === 1 ? 'One delivery queued again' : `${n} deliveries queued again`, n === 0 ? 'info' : 'success');
      setSelected(new Set());
    } catch (err) {
      toast(`Redelivery failed: ${errorMessage(err)}`, 'danger');
    } finally {
      setBusy(null);
    }
  };

  let body;
  if (!mine || status === 'idle' || status === 'loading') body = <LoadingState label="Loading deliveries…" />;
  else if (status === 'error') body = <ErrorState title="Deliveries could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (rows.length === 0)
    body = (
      <EmptyState
        title={
          filter.status === 'all' && filter.eventType === 'all'
            ? 'No deliveries yet'
            : `No ${FILTER_NOUN[filter.status]}${filter.eventType === 'all' ? '' : ` for “${eventLabel(filter.eventType)}”`}`
        }
      >
        {filter.status === 'all' && filter.eventType === 'all'
          ? `Each event this webhook subscribes to becomes a delivery here, with every attempt. Create a booking to see one${webhook.isActive ? '' : ' (once the webhook is on)'}.`
          : 'Choose another status or event to see the rest.'}
      </EmptyState>
    );
  else
    body = (
      <>
        <div className="table-wrap">
          <table className="table wh-log">
            <caption className="sr-only">Deliveries of {webhook.name}</caption>
            <thead>
              <tr>
                <th scope="col" className="wh-col-check">
                  <input
                    type="checkbox"
                    className="checkbox"
                    aria-label="Select every delivery shown that can be redelivered"
                    checked={allChosen}
                    disabled={selectable.length === 0}
                    onChange={() => setSelected(allChosen ? new Set() : new Set(selectable.map((d) => d.id)))}
                  />
                </th>
                <th scope="col" className="col-time">
                  Created
                </th>
                <th scope="col">Event</th>
                <th scope="col" className="wh-col-dstatus">
                  Status
                </th>
                <th scope="col">Attempts</th>
                <th scope="col">Last response</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => {
                const isOpen = expanded.has(d.id);
                const label = `${eventLabel(d.eventType)} of ${formatDateTime(d.createdAt, zone)}`;
                const panel = `wh-attempts-${d.id}`;
                return (
                  <Fragment key={d.id}>
                    <tr className={isOpen ? 'wh-row-open' : undefined} data-delivery={d.id} data-status={d.status}>
                      <td className="wh-col-check">
                        <div className="cell">
                          <input
                            type="checkbox"
                            className="checkbox"
                            aria-label={`Select delivery ${label}`}
                            checked={selected.has(d.id)}
                            disabled={!canRedeliver(d)}
                            title={canRedeliver(d) ? undefined : 'Only delivered or failed deliveries can be sent again'}
                            onChange={() => setSelected((s) => toggle(s, d.id))}
                          />
                        </div>
                      </td>
                      <td className="col-time" data-label="Created">
                        <div className="cell">
                          <time dateTime={new Date(d.createdAt).toISOString()}>{formatDateTime(d.createdAt, zone)}</time>
                        </div>
                      </td>
                      <td data-label="Event">
                        <div className="cell">{eventLabel(d.eventType)}</div>
                      </td>
                      <td className="wh-col-dstatus" data-label="Status">
                        <div className="cell">
                          <StatusCell d={d} zone={zone} />
                        </div>
                      </td>
                      <td data-label="Attempts">
                        <div className="cell">{attemptsMade(d)}</div>
                      </td>
                      <td data-label="Last response">
                        <div className="cell">
                          <LastResponse d={d} />
                        </div>
                      </td>
                      <td className="col-actions">
                        <div className="cell row-actions">
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-expanded={isOpen}
                            aria-controls={isOpen ? panel : undefined}
                            aria-label={`${isOpen ? 'Hide' : 'Show'} attempts of delivery ${label}`}
                            onClick={() => setExpanded((s) => toggle(s, d.id))}
                          >
                            {isOpen ? 'Hide attempts' : 'Attempts'}
                          </Button>
                          {canRedeliver(d) && (
                            <Button
                              size="sm"
                              onClick={() => void run(d.id, () => redeliver([d.id]), `The delivery is already ${deliveryStatusLabel(d).toLowerCase()} again`)}
                              loading={busy === d.id}
                              aria-label={`Redeliver delivery ${label}`}
                            >
                              Redeliver
                            </Button>
                          )}
                        </div>
                      </td>
                    </tr>
                    {isOpen && (
                      <tr className="wh-attempts-row">
                        <td colSpan={7}>
                          <Attempts d={d} zone={zone} id={panel} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
        <LoadMore
          hasMore={!!nextCursor}
          loading={loadingMore}
          error={moreError}
          onLoadMore={() => void loadMore()}
          count={rows.length}
          noun={rows.length === 1 ? FILTER_NOUN_ONE[filter.status] : FILTER_NOUN[filter.status]}
        />
      </>
    );

  return (
    <section className="detail-section wh-log-section" aria-labelledby="wh-log-title" aria-busy={status === 'loading' || undefined}>
      <div className="wh-log-head">
        <h2 className="section-title" id="wh-log-title">
          Delivery log
        </h2>
        <p className="muted small">Newest first, updating live. Redelivering sends the same event again with the same webhook-id, so receivers can tell it is a repeat.</p>
      </div>
      <div className="toolbar wh-log-toolbar">
        <Select label="Status" value={filter.status} onValueChange={(v) => setStatus(v as DeliveryStatusFilter)} options={STATUS_OPTIONS} fieldClassName="field-inline" />
        <Select label="Event" value={filter.eventType} onValueChange={setEventType} options={EVENT_OPTIONS} fieldClassName="field-inline" />
        <div className="wh-toolbar-actions">
          <Button
            onClick={() => void run('selected', () => redeliver(chosen.map((d) => d.id)), 'Nothing was queued')}
            disabled={chosen.length === 0}
            loading={busy === 'selected'}
          >
            {chosen.length > 0 ? `Redeliver selected (${chosen.length})` : 'Redeliver selected'}
          </Button>
          <Button onClick={() => void run('failed', redeliverAllFailed, 'There are no failed deliveries to send again')} loading={busy === 'failed'}>
            Redeliver all failed
          </Button>
        </div>
      </div>
      {body}
    </section>
  );
}
