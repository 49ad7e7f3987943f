// Apple iCloud, or any CalDAV server: no OAuth, an app-specific password checked by real discovery
// (`caldav:connect`), which takes a few seconds.
import { useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { call, ClientError, errorMessage } from '../../api/client';
import { Button, ButtonLink } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { fieldErrorsFrom, type FieldErrors } from '../../lib/field-errors';
import { useFocusFirstInvalid } from '../../lib/hooks';
import { SecurityNotes } from './OAuthConnector';
import { successQuery } from './callback-params';

export const ICLOUD_CALDAV = 'https://caldav.icloud.com';
const FIELDS = new Set(['serverUrl', 'username', 'password']);

export function CalDavConnectForm({ cancelTo, reconnect = false }: { cancelTo: string; reconnect?: boolean }) {
  const navigate = useNavigate();
  const [serverUrl, setServerUrl] = useState(ICLOUD_CALDAV);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const headingId = useId();
  useFocusFirstInvalid(formRef, errors, general);
  const icloud = serverUrl.trim().replace(/\/+$/, '').toLowerCase() === ICLOUD_CALDAV;

  const check = (): FieldErrors => {
    const e: FieldErrors = {};
    if (!/^https?:\/\/\S+$/i.test(serverUrl.trim())) e.serverUrl = 'Enter the server’s address, starting with https://';
    if (!username.trim()) e.username = icloud ? 'Enter your Apple ID' : 'Enter your username';
    if (!password) e.password = 'Enter the app-specific password';
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setGeneral(null);
    const local = check();
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const view = await call('caldav:connect', { serverUrl: serverUrl.trim(), username: username.trim(), password });
      navigate(
        `/integrations/callback?${successQuery({
          integrationType: 'calendar',
          integrationId: view.id,
          provider: 'apple',
          email: view.providerEmail ?? username.trim(),
          reconnected: reconnect,
          missing: view.missingScopes,
        })}`,
      );
    } catch (err) {
      setPassword('');
      const code = err instanceof ClientError ? err.code : null;
      if (code === 'AUTH_FAILED') {
        setErrors({ password: 'Enter the app-specific password again' });
        setGeneral(
          `Wrong username or app-specific password. The server refused to sign in ${username.trim()}. ${icloud ? 'Use your Apple ID email and an app-specific password (not your Apple ID password); create a new one if in doubt.' : 'Check both and try again.'}`,
        );
      } else if (code === 'PROVIDER_UNAVAILABLE') {
        setErrors({ serverUrl: 'Could not reach this server' });
        setGeneral(`Junction could not reach the server at ${serverUrl.trim()}. Check the address and your internet connection, then try again.`);
      } else {
        const mapped = fieldErrorsFrom(err, (k) => (FIELDS.has(k) ? k : undefined));
        if (mapped) {
          setErrors(mapped.fields);
          setGeneral(mapped.general);
        } else {
          setGeneral(errorMessage(err));
        }
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="card form caldav-form" noValidate onSubmit={submit} aria-labelledby={headingId} aria-busy={busy || undefined}>
      <h2 className="card-title" id={headingId}>
        {reconnect ? 'Sign in again' : 'Sign in to your calendar server'}
      </h2>
      <FormError message={general} />
      <TextField
        label="Server address"
        required
        type="url"
        value={serverUrl}
        onValueChange={setServerUrl}
        error={errors.serverUrl}
        autoComplete="url"
        spellCheck={false}
        hint="For iCloud keep https://caldav.icloud.com. For another CalDAV server, enter its address; Junction finds your calendars from there."
        disabled={busy}
      />
      <TextField
        label={icloud ? 'Apple ID' : 'Username'}
        required
        value={username}
        onValueChange={setUsername}
        error={errors.username}
        autoComplete="username"
        spellCheck={false}
        hint={icloud ? 'The email address you sign in to iCloud with.' : undefined}
        disabled={busy}
      />
      <TextField
        label="App-specific password"
        required
        type="password"
        value={password}
        onValueChange={setPassword}
        error={errors.password}
        autoComplete="off"
        spellCheck={false}
        disabled={busy}
        hint={
          <>
            {icloud ? 'Not your Apple ID password. ' : ''}
            To create one: sign in at <span className="strong">appleid.apple.com</span>, open Sign-In and Security → App-Specific
            Passwords, choose “+”, name it “Junction”, and paste the password shown (like abcd-efgh-ijkl-mnop). You can revoke it there at
            any time.
          </>
        }
      />
      <div className="connector-subtitle-wrap">
        <h3 className="connector-subtitle">Your security</h3>
        <SecurityNotes company="Apple" oauth={false} />
      </div>
      <div aria-live="polite">
        {busy && (
          <p className="waiting" role="status">
            <span className="spinner" aria-hidden="true" /> Signing in and looking for your calendars… This can take a few seconds.
          </p>
        )}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={busy}>
          {reconnect ? 'Reconnect' : 'Connect'}
        </Button>
        <ButtonLink variant="ghost" to={cancelTo}>
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
