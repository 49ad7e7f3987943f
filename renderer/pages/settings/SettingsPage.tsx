import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { THEMES, type ConflictPreference, type Settings, type Theme } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { ConflictPreferenceSelect } from '../../components/ConflictPreferenceField';
import { Checkbox, FormError, Select, TextField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, LoadingState } from '../../components/States';
import { fieldErrorsFrom, type FieldErrors } from '../../lib/field-errors';
import { useDocumentTitle, useFocusFirstInvalid } from '../../lib/hooks';
import { timeZones } from '../../lib/time';
import { useSettings } from '../../stores/settings';
import { toast } from '../../stores/toasts';
import { SettingsTabs } from './SettingsTabs';

const THEME_LABEL: Record<Theme, string> = { system: 'Follow the system', light: 'Light', dark: 'Dark' };
const FIELDS = new Set(['organizerName', 'organizerEmail', 'timeZone', 'theme', 'conflictPreference', 'schedulerPaused']);

function SettingsForm({ settings }: { settings: Settings }) {
  const update = useSettings((s) => s.update);
  const [name, setName] = useState(settings.organizerName);
  const [email, setEmail] = useState(settings.organizerEmail ?? '');
  const [zone, setZone] = useState(settings.timeZone);
  const [theme, setTheme] = useState<Theme>(settings.theme);
  const [paused, setPaused] = useState(settings.schedulerPaused);
  const [conflict, setConflict] = useState<ConflictPreference>(settings.conflictPreference);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors, general);
  const zones = useMemo(() => timeZones(zone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), [zone]);

  const dirty =
    name !== settings.organizerName ||
    (email.trim() || null) !== settings.organizerEmail ||
    zone !== settings.timeZone ||
    theme !== settings.theme ||
    conflict !== settings.conflictPreference ||
    paused !== settings.schedulerPaused;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      await update({ organizerName: name, organizerEmail: email.trim() ? email : null, timeZone: zone, theme, conflictPreference: conflict, schedulerPaused: paused });
      toast('Settings saved', 'success');
    } catch (err) {
      const mapped = fieldErrorsFrom(err, (k) => (FIELDS.has(k) ? k : undefined));
      if (mapped) {
        setErrors(mapped.fields);
        setGeneral(mapped.general);
      } else {
        setGeneral(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="form card settings-form" noValidate onSubmit={submit} aria-label="Settings">
      <FormError message={general} />
      <h2 className="card-title">Organizer</h2>
      <TextField label="Name" required value={name} onValueChange={setName} error={errors.organizerName} autoComplete="name" />
      <TextField
        label="Email"
        type="email"
        value={email}
        onValueChange={setEmail}
        error={errors.organizerEmail}
        autoComplete="email"
        hint="Optional. Used as the organizer of calendar events once calendars are connected."
      />
      <Select label="Time zone" value={zone} onValueChange={setZone} options={zones} error={errors.timeZone} hint="New bookings and blocked times start in this zone." />
      <h2 className="card-title">Bookings</h2>
      <ConflictPreferenceSelect value={conflict} onChange={setConflict} error={errors.conflictPreference} />
      <h2 className="card-title">Appearance</h2>
      <Select label="Theme" value={theme} onValueChange={(v) => setTheme(v as Theme)} options={THEMES.map((t) => ({ value: t, label: THEME_LABEL[t] }))} error={errors.theme} />
      <h2 className="card-title">Background jobs</h2>
      <Checkbox
        label="Pause background jobs"
        checked={paused}
        onCheckedChange={setPaused}
        error={errors.schedulerPaused}
        hint="While paused, no syncs, deliveries or other scheduled work run. They resume, in order, when you switch this off."
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={busy} disabled={!dirty}>
          Save settings
        </Button>
        {!dirty && <span className="muted small">All changes saved</span>}
      </div>
    </form>
  );
}

export function SettingsPage() {
  useDocumentTitle('Settings');
  const { settings, status, error, load } = useSettings();
  useEffect(() => {
    void load();
  }, [load]);

  let body;
  if (status === 'error' && !settings) body = <ErrorState title="Settings could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (!settings) body = <LoadingState label="Loading settings…" rows={4} />;
  // Remount the form when the stored settings change so it starts from what was saved.
  else body = <SettingsForm key={JSON.stringify(settings)} settings={settings} />;

  return (
    <>
      <PageHeader title="Settings" description="Your organizer profile, booking conflicts, appearance and background work, and the providers Junction signs in to." />
      <SettingsTabs />
      {body}
    </>
  );
}
