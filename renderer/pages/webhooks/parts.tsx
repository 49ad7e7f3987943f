// Pieces both webhook pages use: status, success rate, last delivery, delivery status, the test dialog.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { WebhookDeliveryView, WebhookLastDelivery, WebhookView } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Badge, type BadgeTone } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog, DialogActions } from '../../components/Dialog';
import { TestResultView, type WebhookTestState } from '../../components/WebhookForm';
import { formatDateTime, relativeTime } from '../../lib/time';
import { testWebhook } from '../../stores/webhooks';
import '../../styles/webhooks.css';

export function BackToWebhooks() {
  return (
    <p className="back-link">
      <Link to="/integrations/webhooks">← Webhooks</Link>
    </p>
  );
}

/** A stored reason as a sentence (the worker's may lack the full stop). */
export const sentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function disabledText(w: WebhookView): string {
  return w.disabledReason ? sentence(w.disabledReason) : 'Turned off in its settings. No deliveries are sent.';
}

export function WebhookStatus({ w, reason = true }: { w: WebhookView; reason?: boolean }) {
  if (w.isActive) return <Badge tone="success">Active</Badge>;
  return (
    <>
      <Badge tone={w.disabledReason ? 'danger' : 'neutral'}>Disabled</Badge>
      {reason && <div className="cell-sub status-reason">{disabledText(w)}</div>}
    </>
  );
}

export function percent(rate: number): string {
  const p = rate * 100;
  if (p > 0 && p < 1) return '<1 %';
  if (p > 99 && p < 100) return '>99 %';
  return `${Math.round(p)} %`;
}

export function SuccessRate({ w }: { w: WebhookView }) {
  const s = w.stats;
  if (!s || s.successRate === null)
    return (
      <>
        <span className="muted">—</span>
        <div className="cell-sub">{s && s.pending > 0 ? `${s.pending} waiting` : `No deliveries in ${s?.windowDays ?? 7} days`}</div>
      </>
    );
  const tone = s.successRate >= 0.95 ? 'wh-rate-good' : s.successRate >= 0.5 ? 'wh-rate-warn' : 'wh-rate-bad';
  return (
    <>
      <span className={`wh-rate ${tone}`}>{percent(s.successRate)}</span>
      <div className="cell-sub">
        {s.delivered} of {s.delivered + s.failed} delivered
        {s.pending > 0 ? `, ${s.pending} waiting` : ''}
      </div>
    </>
  );
}

/** "HTTP 200", "HTTP 503", "No response". */
export function outcomeLabel(statusCode: number | null): string {
  return statusCode === null ? 'No response' : `HTTP ${statusCode}`;
}
const okCode = (c: number | null) => c !== null && c >= 200 && c < 300;

export function LastDelivery({ last, zone }: { last: WebhookLastDelivery | null | undefined; zone: string }) {
  if (!last) return <span className="muted">Never</span>;
  const ok = okCode(last.statusCode);
  return (
    <>
      <time dateTime={new Date(last.at).toISOString()} title={formatDateTime(last.at, zone)}>
        {relativeTime(last.at)}
      </time>
      <div className="wh-outcome">
        <Badge tone={ok ? 'success' : 'danger'}>{ok ? 'Delivered' : 'Failed'}</Badge>
        <span className="cell-sub">{outcomeLabel(last.statusCode)}</span>
      </div>
      {!ok && last.error && <div className="cell-sub status-reason wh-clamp">{last.error}</div>}
    </>
  );
}

const DELIVERY_TONE: Record<WebhookDeliveryView['status'], BadgeTone> = { delivered: 'success', failed: 'danger', pending: 'info', delivering: 'info' };
export function deliveryStatusLabel(d: Pick<WebhookDeliveryView, 'status' | 'attempts'>): string {
  if (d.status === 'pending') return d.attempts > 0 ? 'Retrying' : 'Waiting';
  if (d.status === 'delivering') return 'Sending';
  return d.status === 'delivered' ? 'Delivered' : 'Failed';
}
export function DeliveryStatusBadge({ d }: { d: WebhookDeliveryView }) {
  const tone = d.status === 'pending' && d.attempts > 0 ? 'warning' : DELIVERY_TONE[d.status];
  return <Badge tone={tone}>{deliveryStatusLabel(d)}</Badge>;
}

/** Runs webhooks:test for `id` and keeps the state of the latest run. */
export function useWebhookTest(id: string | null) {
  const [state, setState] = useState<WebhookTestState | null>(null);
  const mine = useRef(0);
  const run = useCallback(
    async (target?: string) => {
      const which = target ?? id;
      if (!which) return;
      const n = ++mine.current;
      setState({ running: true, result: null, error: null });
      try {
        const result = await testWebhook(which);
        if (n === mine.current) setState({ running: false, result, error: null });
      } catch (err) {
        if (n === mine.current) setState({ running: false, result: null, error: errorMessage(err) });
      }
    },
    [id],
  );
  const clear = useCallback(() => {
    mine.current++;
    setState(null);
  }, []);
  return { state, run, clear };
}

/** The list's per-row Test: sends at once, shows the result in a dialog. */
export function TestDialog({ webhook, onClose }: { webhook: WebhookView | null; onClose: () => void }) {
  const { state, run } = useWebhookTest(webhook?.id ?? null);
  useEffect(() => {
    if (webhook) void run(webhook.id);
  }, [webhook, run]);
  return (
    <Dialog
      open={!!webhook}
      title={webhook ? `Test: ${webhook.name}` : 'Test'}
      onClose={onClose}
      description={webhook ? <span className="wh-url-line">{webhook.webhookUrl}</span> : undefined}
    >
      {state && <TestResultView state={state} />}
      <DialogActions>
        <Button onClick={() => void run()} loading={state?.running} disabled={!webhook}>
          Send again
        </Button>
        <Button variant="primary" onClick={onClose} data-autofocus>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
