// "When a booking overlaps a busy time": the organizer's global conflict preference (Settings and calendar settings).
import { useState } from 'react';
import { CONFLICT_PREFERENCES, type ConflictPreference } from '../../shared/domain';
import { errorMessage } from '../api/client';
import { useSettings } from '../stores/settings';
import { toast } from '../stores/toasts';
import { FormError, Select } from './Field';

export const CONFLICT_LABEL = 'When a booking overlaps a busy time';
const OPTION_LABEL: Record<ConflictPreference, string> = {
  warn: 'Warn me, and let me book anyway',
  block: 'Never double-book',
  allow: 'Book without checking',
};
const OPTIONS = CONFLICT_PREFERENCES.map((p) => ({ value: p, label: OPTION_LABEL[p] }));
const HINT = 'Applies to every booking, whichever calendar the busy time comes from.';

export function ConflictPreferenceSelect({
  value,
  onChange,
  error,
  disabled,
}: {
  value: ConflictPreference;
  onChange: (p: ConflictPreference) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  return (
    <Select
      label={CONFLICT_LABEL}
      value={value}
      onValueChange={(v) => onChange(v as ConflictPreference)}
      options={OPTIONS}
      error={error}
      hint={HINT}
      disabled={disabled ?? false}
    />
  );
}

/** A card of its own, saved on change: the setting is global, not this calendar's. */
export function ConflictPreferenceCard() {
  const { settings, update } = useSettings();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!settings) return null;
  const change = async (p: ConflictPreference) => {
    setSaving(true);
    setError(null);
    try {
      await update({ conflictPreference: p });
      toast('Conflict preference saved', 'success');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="form settings-form card" aria-label="Booking conflicts">
      <h2 className="card-title">Booking conflicts</h2>
      <FormError message={error} />
      <ConflictPreferenceSelect value={settings.conflictPreference} onChange={(p) => void change(p)} disabled={saving} />
      <p className="small muted">This is a global setting: it is the same on the Settings page and for every connected calendar.</p>
    </section>
  );
}
