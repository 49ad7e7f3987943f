// The webhook form (issue 5 item 7), for creating and for editing: name, URL (checked as you type with the same
// zod schema main parses with), the five events, custom headers (reserved and hop-by-hop names refused), the
// "allow local targets" opt-in with its warning, retry settings, and a Test button. Errors the channel answers
// (VALIDATION from the schema, or the SSRF guard's refusal) are shown next to their field, or at the top.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { WebhookTestResult, WebhookView } from '../../shared/domain';
import {
  DEFAULT_MAX_RETRIES,
  MAX_CUSTOM_HEADERS,
  MAX_RETRIES_LIMIT,
  WEBHOOK_EVENTS,
  webhookInput,
  type WebhookEvent,
} from '../../shared/ipc/schemas';
import { ClientError, errorMessage } from '../api/client';
import { fieldErrorsFrom, humanize } from '../lib/field-errors';
import { useFocusFirstInvalid } from '../lib/hooks';
import { Badge } from './Badge';
import { Button } from './Button';
import { Checkbox, FormError, TextField } from './Field';
import '../styles/webhooks.css';

export const EVENT_LABEL: Record<WebhookEvent, string> = {
  booking_created: 'Booking created',
  booking_cancelled: 'Booking cancelled',
  booking_rescheduled: 'Booking rescheduled',
  booking_completed: 'Booking completed',
  notification_sent: 'Notification sent',
};
const EVENT_HINT: Record<WebhookEvent, string> = {
  booking_created: 'A new booking is made.',
  booking_cancelled: 'A booking is cancelled, with the reason.',
  booking_rescheduled: 'A booking moves, with its old and new time.',
  booking_completed: 'A booking is marked completed.',
  notification_sent: 'Junction shows you a notification.',
};
export const eventLabel = (e: string): string => EVENT_LABEL[e as WebhookEvent] ?? e;

/** What the form sends: webhooks:create's input, plus `isActive` when editing. */
export interface WebhookFormInput {
  name: string;
  url: string;
  events: WebhookEvent[];
  headers: Record<string, string>;
  retryFailed: boolean;
  maxRetries: number;
  allowLocalTargets: boolean;
  isActive?: boolean;
}

export interface WebhookTestState {
  running: boolean;
  result: WebhookTestResult | null;
  error: string | null;
}

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

interface Values {
  name: string;
  url: string;
  events: WebhookEvent[];
  headers: HeaderRow[];
  retryFailed: boolean;
  maxRetries: string;
  allowLocalTargets: boolean;
  isActive: boolean;
}

type FieldKey = 'name' | 'url' | 'events' | 'headers' | 'maxRetries' | 'retryFailed' | 'allowLocalTargets';
type Errors = Partial<Record<FieldKey, string>> & { rows?: Record<number, string> };

let rowKey = 1;
const headerRows = (h: Record<string, string>): HeaderRow[] => Object.entries(h).map(([name, value]) => ({ key: rowKey++, name, value }));

function initialValues(w: WebhookView | undefined): Values {
  return {
    name: w?.name ?? '',
    url: w?.webhookUrl ?? '',
    events: (w?.events.filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(e)) ?? ['booking_created']) as WebhookEvent[],
    headers: w ? headerRows(w.headers) : [],
    retryFailed: w?.retryFailed ?? true,
    maxRetries: String(w?.maxRetries ?? DEFAULT_MAX_RETRIES),
    allowLocalTargets: w?.allowLocalTargets ?? false,
    isActive: w?.isActive ?? true,
  };
}

/** Rows that say something (a row with neither name nor value is ignored). */
const usedRows = (rows: HeaderRow[]) => rows.filter((r) => r.name.trim() !== '' || r.value !== '');

function toInput(v: Values): WebhookFormInput & { maxRetries: number } {
  const headers: Record<string, string> = {};
  for (const r of usedRows(v.headers)) headers[r.name.trim()] = r.value;
  return {
    name: v.name,
    url: v.url,
    // The schema's order, whatever order they were ticked in.
    events: WEBHOOK_EVENTS.filter((e) => v.events.includes(e)),
    headers,
    retryFailed: v.retryFailed,
    maxRetries: v.maxRetries.trim() === '' ? Number.NaN : Number(v.maxRetries),
    allowLocalTargets: v.allowLocalTargets,
  };
}

/** The schema's verdict on the whole form, field by field (header problems on their rows). */
function validate(v: Values): Errors {
  const errors: Errors = {};
  const rows = usedRows(v.headers);
  const rowErrors: Record<number, string> = {};
  // Duplicates are found per row here: in the record they would collapse into one key before the schema saw them.
  const seen = new Map<string, number>();
  for (const r of rows) {
    const lower = r.name.trim().toLowerCase();
    if (lower && seen.has(lower)) rowErrors[r.key] = `The header "${r.name.trim()}" is given twice (names are case-insensitive).`;
    else seen.set(lower, r.key);
  }
  const input = toInput(v);
  if (Number.isNaN(input.maxRetries)) errors.maxRetries = `Enter how many times to retry, from 0 to ${MAX_RETRIES_LIMIT}.`;
  const parsed = webhookInput.safeParse(Number.isNaN(input.maxRetries) ? { ...input, maxRetries: DEFAULT_MAX_RETRIES } : input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, sub] = issue.path;
      const message = humanize(issue);
      if (top === 'headers' && typeof sub === 'string') {
        const row = rows.find((r) => r.name.trim() === sub && !rowErrors[r.key]);
        if (row) rowErrors[row.key] = message;
        else errors.headers ??= message;
      } else if (top === 'headers') {
        errors.headers ??= message;
      } else if (typeof top === 'string' && isFieldKey(top)) {
        errors[top] ??= message;
      }
    }
  }
  if (Object.keys(rowErrors).length > 0) errors.rows = rowErrors;
  return errors;
}

const FIELD_KEYS: readonly FieldKey[] = ['name', 'url', 'events', 'headers', 'maxRetries', 'retryFailed', 'allowLocalTargets'];
const isFieldKey = (k: string): k is FieldKey => (FIELD_KEYS as readonly string[]).includes(k);
/** The SSRF guard's refusals (details.reason) are about the URL. */
const TARGET_REFUSALS = new Set(['invalid_url', 'unsupported_scheme', 'insecure_scheme', 'unresolvable', 'local_address']);

/** A channel error as field errors and a general message, in words a person understands. */
function serverErrors(err: unknown, v: Values): { errors: Errors; general: string | null } {
  if (err instanceof ClientError && err.code === 'VALIDATION') {
    const reason = (err.details as { reason?: unknown } | null | undefined)?.reason;
    if (typeof reason === 'string' && TARGET_REFUSALS.has(reason)) return { errors: { url: err.message }, general: null };
    const errors: Errors = {};
    const rowErrors: Record<number, string> = {};
    const issues = Array.isArray(err.details) ? (err.details as { path?: unknown[]; message?: string }[]) : [];
    for (const issue of issues) {
      const [top, sub] = Array.isArray(issue.path) ? issue.path : [];
      if (top === 'headers' && typeof sub === 'string') {
        const row = v.headers.find((r) => r.name.trim() === sub);
        if (row && issue.message) rowErrors[row.key] = humanize({ message: issue.message });
      }
    }
    const mapped = fieldErrorsFrom(err, (k) => (isFieldKey(k) ? k : undefined));
    Object.assign(errors, mapped?.fields ?? {});
    if (Object.keys(rowErrors).length > 0) {
      errors.rows = rowErrors;
      delete errors.headers; // said on the rows themselves
    }
    const claimed = Object.keys(errors).length > 0;
    return { errors, general: claimed ? (mapped?.general ?? null) : (mapped?.general ?? err.message) };
  }
  return { errors: {}, general: errorMessage(err) };
}

/** The values without the header rows' React keys, events in a fixed order. */
const configOf = (v: Values) => ({ ...v, events: [...v.events].sort(), headers: usedRows(v.headers).map((r) => [r.name, r.value]) });
function sameValues(a: Values, b: Values): boolean {
  return JSON.stringify(configOf(a)) === JSON.stringify(configOf(b));
}

function Section({ title, children, description }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="wh-fieldset">
      <legend className="wh-legend">{title}</legend>
      {description && <p className="field-hint wh-section-hint">{description}</p>}
      {children}
    </fieldset>
  );
}

/** Status code, latency and the response excerpt or the error of one test send. */
export function TestResultView({ state, title = 'Test result' }: { state: WebhookTestState; title?: string }) {
  if (state.running)
    return (
      <div className="wh-test wh-test-running" role="status" aria-live="polite">
        <span className="spinner spinner-inline" aria-hidden="true" /> Sending a signed test event…
      </div>
    );
  if (state.error)
    return (
      <div className="wh-test wh-test-failed" role="status" aria-live="polite">
        <p className="strong">The test could not be sent</p>
        <p>{state.error}</p>
      </div>
    );
  const r = state.result;
  if (!r) return null;
  const ok = r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
  return (
    <div className={`wh-test ${ok ? 'wh-test-ok' : 'wh-test-failed'}`} role="status" aria-live="polite" aria-label={title}>
      <div className="wh-test-head">
        <span className="strong">{title}</span>
        {r.statusCode !== null ? (
          <Badge tone={ok ? 'success' : 'danger'}>HTTP {r.statusCode}</Badge>
        ) : (
          <Badge tone="danger">No response</Badge>
        )}
        <span className="muted small">{r.latencyMs} ms</span>
      </div>
      <p className="small">
        {ok
          ? 'The endpoint accepted the test event.'
          : r.statusCode !== null
            ? `The endpoint answered ${r.statusCode}; Junction counts only 2xx answers as delivered.`
            : 'The endpoint did not answer.'}
      </p>
      {r.error && <p className="wh-test-error">{r.error}</p>}
      {r.responseExcerpt ? (
        <>
          <p className="muted small">Response body (first {Math.min(r.responseExcerpt.length, 4096)} characters)</p>
          <pre className="wh-excerpt">{r.responseExcerpt}</pre>
        </>
      ) : (
        r.statusCode !== null && <p className="muted small">The response had no body.</p>
      )}
    </div>
  );
}

export function WebhookForm({
  mode,
  initial,
  onSave,
  onTest,
  onCancel,
  test,
}: {
  mode: 'create' | 'edit';
  /** The saved webhook (edit). */
  initial?: WebhookView | undefined;
  /** Saves; throws the channel's error, which the form shows. `thenTest`: the Test button asked for the save. */
  onSave: (input: WebhookFormInput, opts: { thenTest: boolean }) => Promise<void>;
  /** Tests the saved configuration (edit, nothing changed). */
  onTest?: (() => void) | undefined;
  onCancel?: (() => void) | undefined;
  /** The latest test send, shown under the buttons. */
  test?: WebhookTestState | undefined;
}) {
  const [saved, setSaved] = useState(() => initialValues(initial));
  const [values, setValues] = useState(saved);
  // The saved webhook changed elsewhere (another save, a 410 that disabled it): take it over, keeping any edits.
  const savedRef = useRef(saved);
  savedRef.current = saved;
  const initialSig = initial ? JSON.stringify(configOf(initialValues(initial))) : '';
  useEffect(() => {
    if (!initial) return;
    const next = initialValues(initial);
    if (sameValues(next, savedRef.current)) return;
    setValues((v) => (sameValues(v, savedRef.current) ? next : v));
    setSaved(next);
  }, [initialSig]); // keyed on the configuration's content, not on the object's identity
  // Which fields show their client-side errors: touched ones, and all of them after a submit.
  const [touched, setTouched] = useState<Partial<Record<FieldKey, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<{ errors: Errors; general: string | null }>({ errors: {}, general: null });
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  // Changes only on submit, so focus moves to the first problem once per attempt, not on every keystroke.
  const [focusKey, setFocusKey] = useState<{ attempt?: number }>({});
  const formRef = useRef<HTMLFormElement>(null);
  const headersId = useId();
  useFocusFirstInvalid(formRef, focusKey, null); // keys only after a failed attempt

  const client = useMemo(() => validate(values), [values]);
  const dirty = mode === 'create' || !sameValues(values, saved);

  const shown = (k: FieldKey): string | undefined => server.errors[k] ?? (submitted || touched[k] ? client[k] : undefined);
  const rowError = (key: number): string | undefined => server.errors.rows?.[key] ?? client.rows?.[key];

  const change = <K extends keyof Values>(k: K, value: Values[K], touch: FieldKey | null = null) => {
    setValues((v) => ({ ...v, [k]: value }));
    if (touch) setTouched((t) => (t[touch] ? t : { ...t, [touch]: true }));
    // A server error belongs to the value it was given for.
    setServer((s) => {
      const key = (k === 'headers' ? 'headers' : k) as FieldKey;
      if (!s.errors[key] && !(k === 'headers' && s.errors.rows) && !(k === 'allowLocalTargets' && s.errors.url)) return s;
      const errors = { ...s.errors };
      delete errors[key];
      if (k === 'headers') delete errors.rows;
      if (k === 'allowLocalTargets') delete errors.url; // the opt-in changes the URL's verdict
      return { ...s, errors };
    });
  };
  const setRow = (key: number, patch: Partial<HeaderRow>) =>
    change(
      'headers',
      values.headers.map((r) => (r.key === key ? { ...r, ...patch } : r)),
      'headers',
    );

  const save = async (thenTest: boolean) => {
    setSubmitted(true);
    setServer({ errors: {}, general: null });
    const problems = validate(values);
    if (Object.keys(problems).length > 0) {
      setFocusKey((f) => ({ attempt: (f.attempt ?? 0) + 1 }));
      return;
    }
    setBusy(thenTest ? 'test' : 'save');
    const input = toInput(values);
    try {
      await onSave({ ...input, ...(mode === 'edit' ? { isActive: values.isActive } : {}) }, { thenTest });
      setSaved(values);
      setSubmitted(false);
      setTouched({});
    } catch (err) {
      setServer(serverErrors(err, values));
      setFocusKey((f) => ({ attempt: (f.attempt ?? 0) + 1 }));
    } finally {
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    void save(false);
  };
  const testClick = () => {
    if (busy) return;
    if (mode === 'edit' && !dirty && onTest) onTest();
    else void save(true);
  };

  const rows = values.headers;
  const testLabel = mode === 'create' ? 'Create and send test' : dirty ? 'Save and send test' : 'Send test';
  const testing = busy === 'test' || !!test?.running;

  return (
    <form ref={formRef} className="form wh-form" noValidate onSubmit={submit} aria-label={mode === 'create' ? 'New webhook' : 'Webhook settings'}>
      <FormError message={server.general} />
      <div className="wh-form-cols">
        <div className="wh-form-col">
          <div className="form-row wh-row-name">
            <TextField
              label="Name"
              required
              value={values.name}
              onValueChange={(v) => change('name', v)}
              onBlur={() => setTouched((t) => ({ ...t, name: true }))}
              error={shown('name')}
              placeholder="Bookings to my CRM"
              maxLength={100}
              autoComplete="off"
              data-autofocus={mode === 'create' ? true : undefined}
            />
          </div>
          <TextField
            label="Endpoint URL"
            required
            type="url"
            inputMode="url"
            spellCheck={false}
            autoComplete="off"
            value={values.url}
            onValueChange={(v) => change('url', v, v.trim() === '' ? null : 'url')}
            onBlur={() => setTouched((t) => ({ ...t, url: true }))}
            error={shown('url')}
            placeholder="https://example.com/webhooks/junction"
            hint={
              values.allowLocalTargets
                ? 'https:// is required, or http:// to an address on this computer or your network.'
                : 'Must start with https://. Junction POSTs signed JSON to it (Standard Webhooks).'
            }
          />

          <Section title="Events" description="Junction sends a delivery to this endpoint when any of these happens.">
            <div className="wh-events" role="group" aria-describedby={shown('events') ? `${headersId}-events-error` : undefined}>
              {WEBHOOK_EVENTS.map((e) => (
                <Checkbox
                  key={e}
                  label={EVENT_LABEL[e]}
                  hint={EVENT_HINT[e]}
                  checked={values.events.includes(e)}
                  onCheckedChange={(on) =>
                    change('events', on ? [...values.events, e] : values.events.filter((x) => x !== e), 'events')
                  }
                />
              ))}
            </div>
            {shown('events') && (
              <p className="field-error" id={`${headersId}-events-error`} role="alert">
                {shown('events')}
              </p>
            )}
          </Section>

          <Section
            title="Custom headers"
            description={
              <>
                Sent with every delivery, for example <code>Authorization</code> for your receiver. Junction sets{' '}
                <code>Content-Type</code> and the <code>webhook-*</code> signature headers itself.
              </>
            }
          >
            {rows.length > 0 && (
              <ul className="wh-headers" aria-label="Custom headers">
                {rows.map((r, i) => {
                  const err = rowError(r.key);
                  const errId = `${headersId}-${r.key}-error`;
                  // The schema's value messages start "Header values …"; every other row problem is the name's.
              const valueErr = !!err && err.startsWith('Header values');
                  return (
                    <li key={r.key} className="wh-header-row">
                      <div className="wh-header-inputs">
                        <div className="field">
                          <label className="field-label" htmlFor={`${headersId}-${r.key}-name`}>
                            Header {i + 1} name
                          </label>
                          <input
                            id={`${headersId}-${r.key}-name`}
                            className="input"
                            value={r.name}
                            onChange={(e) => setRow(r.key, { name: e.target.value })}
                            placeholder="Authorization"
                            autoComplete="off"
                            spellCheck={false}
                            aria-invalid={err && !valueErr ? true : undefined}
                            aria-describedby={err ? errId : undefined}
                          />
                        </div>
                        <div className="field">
                          <label className="field-label" htmlFor={`${headersId}-${r.key}-value`}>
                            Value
                          </label>
                          <input
                            id={`${headersId}-${r.key}-value`}
                            className="input"
                            value={r.value}
                            onChange={(e) => setRow(r.key, { value: e.target.value })}
                            placeholder="Bearer …"
                            autoComplete="off"
                            spellCheck={false}
                            aria-invalid={valueErr || undefined}
                            aria-describedby={err ? errId : undefined}
                          />
                        </div>
                        <Button
                          size="sm"
                          variant="ghost"
                          className="wh-header-remove"
                          onClick={() => change('headers', rows.filter((x) => x.key !== r.key), 'headers')}
                          aria-label={`Remove header ${r.name.trim() || i + 1}`}
                        >
                          Remove
                        </Button>
                      </div>
                      {err && (
                        <p className="field-error" id={errId} role="alert">
                          {err}
                        </p>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
            {shown('headers') && (
              <p className="field-error" role="alert">
                {shown('headers')}
              </p>
            )}
            <div>
              <Button
                size="sm"
                onClick={() => change('headers', [...rows, { key: rowKey++, name: '', value: '' }])}
                disabled={usedRows(rows).length >= MAX_CUSTOM_HEADERS}
              >
                Add header
              </Button>
            </div>
          </Section>
        </div>
        <div className="wh-form-col">
          <Section title="Retries">
            <Checkbox
              label="Retry failed deliveries"
              hint="After a failure Junction tries again after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h (with a little jitter)."
              checked={values.retryFailed}
              onCheckedChange={(on) => change('retryFailed', on, 'retryFailed')}
              error={shown('retryFailed')}
            />
            <TextField
              label="Max retries"
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_RETRIES_LIMIT}
              step={1}
              value={values.maxRetries}
              onValueChange={(v) => change('maxRetries', v, 'maxRetries')}
              error={shown('maxRetries')}
              disabled={!values.retryFailed}
              hint={values.retryFailed ? `0 to ${MAX_RETRIES_LIMIT}, after the first attempt.` : 'Failed deliveries are not retried; you can redeliver them by hand.'}
              fieldClassName="wh-retries"
            />
          </Section>

          <Section title="Security">
            <Checkbox
              label="Allow local targets"
              hint="Lets this webhook reach http:// and addresses on this computer or your private network, such as a test receiver."
              checked={values.allowLocalTargets}
              onCheckedChange={(on) => change('allowLocalTargets', on)}
              error={shown('allowLocalTargets')}
            />
            {values.allowLocalTargets && (
              <div className="wh-warning" role="note">
                <strong>Only for endpoints you run yourself.</strong> With this on, booking details (names, emails, times) can
                go to any machine on your network, unencrypted over http://. Leave it off for services on the internet.
              </div>
            )}
          </Section>

          {mode === 'edit' && (
            <Section title="Status">
              <Checkbox
                label="Active"
                hint={
                  initial && !initial.isActive
                    ? 'Tick this and save to send deliveries again.'
                    : 'When off, no new deliveries are made for this webhook; waiting ones stay queued.'
                }
                checked={values.isActive}
                onCheckedChange={(on) => change('isActive', on)}
              />
            </Section>
          )}
        </div>
      </div>

      {mode === 'create' && <p className="muted small">Junction creates a signing secret when you save. It is shown once; copy it then.</p>}

      <div className="wh-form-actions">
        {onCancel && (
          <Button onClick={onCancel} disabled={!!busy}>
            Cancel
          </Button>
        )}
        <span className="wh-form-spacer" />
        <Button onClick={testClick} loading={testing} disabled={busy === 'save'}>
          {testLabel}
        </Button>
        <Button type="submit" variant="primary" loading={busy === 'save'} disabled={busy === 'test' || (mode === 'edit' && !dirty)}>
          {mode === 'create' ? 'Create webhook' : 'Save changes'}
        </Button>
      </div>
      {test && <TestResultView state={test} />}
    </form>
  );
}
