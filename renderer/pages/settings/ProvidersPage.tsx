// Settings → Providers: the OAuth client (id, write-only secret) and endpoints per identity provider.
// Environment variables win over saved values; their fields say so and are read-only here.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import type { ProviderEndpoints, ProviderSettingsView } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, LoadingState } from '../../components/States';
import { fieldErrorsFrom, type FieldErrors } from '../../lib/field-errors';
import { useDocumentTitle, useFocusFirstInvalid } from '../../lib/hooks';
import { useProviders } from '../../stores/providers';
import { toast } from '../../stores/toasts';
import { IDENTITY_LABEL, IDENTITY_USED_BY } from '../integrations/providers';
import { SettingsTabs } from './SettingsTabs';

type EndpointKey = keyof ProviderEndpoints;
const ENDPOINTS: Array<[EndpointKey, string, string]> = [
  ['authUrl', 'Authorization URL', 'The sign-in and consent page.'],
  ['tokenUrl', 'Token URL', 'Where Junction exchanges the sign-in code and renews tokens.'],
  ['apiRoot', 'API root', 'The base address of the provider’s API.'],
  ['userinfoUrl', 'User info URL', 'Where Junction reads the account’s id and email.'],
  ['revokeUrl', 'Revocation URL', 'Called on Disconnect to revoke Junction’s access.'],
];
const FIELD_KEYS = new Set<string>(['clientId', 'clientSecret', ...ENDPOINTS.map(([k]) => k)]);

const envNote = (name: string) => `Set by ${name} — the environment wins.`;

function initialEndpoint(view: ProviderSettingsView, k: EndpointKey): string {
  const v = view.endpoints[k];
  if (view.fromEnv[k]) return v ?? '';
  // A value equal to the default is shown as the placeholder, not as a custom value.
  return v !== null && v !== view.defaults[k] ? v : '';
}

function ProviderForm({ view }: { view: ProviderSettingsView }) {
  const update = useProviders((s) => s.update);
  const who = IDENTITY_LABEL[view.provider];
  const env = view.fromEnv;
  const initial = Object.fromEntries(ENDPOINTS.map(([k]) => [k, initialEndpoint(view, k)])) as Record<EndpointKey, string>;
  const [clientId, setClientId] = useState(view.clientId ?? '');
  const [secret, setSecret] = useState('');
  const [endpoints, setEndpoints] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [clearing, setClearing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const headingId = useId();
  useFocusFirstInvalid(formRef, errors, general);

  const patch = (): Record<string, string | null> => {
    const out: Record<string, string | null> = {};
    if (!env.clientId && clientId.trim() !== (view.clientId ?? '')) out.clientId = clientId.trim() || null;
    if (!env.clientSecret && secret !== '') out.clientSecret = secret;
    for (const [k] of ENDPOINTS) if (!env[k] && endpoints[k].trim() !== initial[k]) out[k] = endpoints[k].trim() || null;
    return out;
  };
  const changes = patch();
  const dirty = Object.keys(changes).length > 0;
  const customEndpoints = ENDPOINTS.some(([k]) => initial[k] !== '' || env[k]);

  const fail = (err: unknown) => {
    const mapped = fieldErrorsFrom(err, (k) => (FIELD_KEYS.has(k) ? k : undefined));
    if (mapped) {
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    } else setGeneral(errorMessage(err));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    setBusy(true);
    try {
      await update({ provider: view.provider, ...changes });
      toast(`${who} settings saved`, 'success');
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const clearSecret = async () => {
    setClearing(true);
    setGeneral(null);
    try {
      await update({ provider: view.provider, clientSecret: null });
      toast(`${who} client secret removed`, 'success');
    } catch (err) {
      fail(err);
    } finally {
      setClearing(false);
    }
  };

  const configured = !!view.clientId;
  return (
    <form ref={formRef} id={`provider-${view.provider}`} className="card form provider-form" noValidate onSubmit={submit} aria-labelledby={headingId}>
      <div className="card-head">
        <div>
          <h2 className="card-title" id={headingId} tabIndex={-1}>
            {who}
          </h2>
          <p className="muted small">Used by {IDENTITY_USED_BY[view.provider]}.</p>
        </div>
        {configured ? <Badge tone="success">Client set</Badge> : <Badge tone="warning">No client yet</Badge>}
      </div>
      <FormError message={general} />
      <div className="form-row form-row-2">
        <TextField
          label="Client id"
          value={clientId}
          onValueChange={setClientId}
          error={errors.clientId}
          disabled={!!env.clientId}
          spellCheck={false}
          autoComplete="off"
          placeholder={env.clientId ? undefined : 'Not set'}
          hint={env.clientId ? envNote(env.clientId) : `From the OAuth app you registered with ${who}.`}
        />
        <div className="secret-field">
          <TextField
            label={
              <>
                Client secret{' '}
                {view.hasClientSecret && !env.clientSecret && (
                  <Badge tone="success">
                    <span aria-hidden="true">✓ </span>saved
                  </Badge>
                )}
              </>
            }
            type="password"
            value={secret}
            onValueChange={setSecret}
            error={errors.clientSecret}
            disabled={!!env.clientSecret}
            autoComplete="new-password"
            spellCheck={false}
            placeholder={env.clientSecret ? 'Set by the environment' : view.hasClientSecret ? 'Saved: type to replace' : 'Not set'}
            hint={
              env.clientSecret
                ? envNote(env.clientSecret)
                : view.hasClientSecret
                  ? 'Stored encrypted on this computer and never shown. Type a new one to replace it.'
                  : 'Stored encrypted on this computer and never shown again. Leave empty for public clients (PKCE only).'
            }
          />
          {view.hasClientSecret && !env.clientSecret && (
            <Button size="sm" variant="ghost" onClick={() => void clearSecret()} loading={clearing} aria-label={`Clear the saved ${who} client secret`}>
              Clear saved secret
            </Button>
          )}
        </div>
      </div>
      <details className="endpoints" open={customEndpoints || undefined}>
        <summary>Endpoints{customEndpoints ? ' (customised)' : ' (defaults)'}</summary>
        <p className="muted small endpoints-intro">Leave empty to use {who}’s real service (shown greyed out). Change these only to point Junction at a test server.</p>
        <div className="endpoint-fields">
          {ENDPOINTS.map(([k, label, hint]) => (
            <TextField
              key={k}
              label={label}
              type="url"
              value={endpoints[k]}
              onValueChange={(v) => setEndpoints((e) => ({ ...e, [k]: v }))}
              error={errors[k]}
              disabled={!!env[k]}
              spellCheck={false}
              autoComplete="off"
              placeholder={view.defaults[k] ?? `No default (${who} has none)`}
              hint={env[k] ? envNote(env[k]) : hint}
            />
          ))}
        </div>
      </details>
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={busy} disabled={!dirty}>
          Save {who}
        </Button>
        {!dirty && <span className="muted small">No unsaved changes</span>}
      </div>
    </form>
  );
}

export function ProvidersSettingsPage() {
  useDocumentTitle('Providers · Settings');
  const { items, status, error, load } = useProviders();
  const { hash } = useLocation();
  useEffect(() => {
    void load();
  }, [load]);

  // /settings/providers#provider-google (from "add one in Settings → Providers") lands on that provider.
  useEffect(() => {
    if (status !== 'ready' || !hash) return;
    const el = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    el.querySelector<HTMLElement>('.card-title')?.focus({ preventScroll: true });
  }, [status, hash]);

  let body;
  if (status === 'error' && items.length === 0) body = <ErrorState title="Provider settings could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (status !== 'ready' && items.length === 0) body = <LoadingState label="Loading providers…" rows={4} />;
  else
    body = (
      <div className="provider-forms">
        {items.map((view) => (
          <ProviderForm key={JSON.stringify(view)} view={view} />
        ))}
      </div>
    );

  return (
    <>
      <PageHeader title="Settings" description="Your organizer profile, appearance and background work, and the providers Junction signs in to." />
      <SettingsTabs />
      <p className="notice" role="note">
        Junction signs in to each service with an OAuth app that you register with the provider. Enter its client id (and secret, if it has
        one) here; environment variables <code>JUNCTION_&lt;PROVIDER&gt;_&lt;KEY&gt;</code> override these settings.
      </p>
      {body}
    </>
  );
}
