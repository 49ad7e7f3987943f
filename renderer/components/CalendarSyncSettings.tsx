// Which calendars of the account block availability, sync on/off and how often: one form, saved with calendar:update.
import { useState, type FormEvent } from 'react';
import { refreshCalendars, SYNC_FREQUENCIES, updateCalendar, type CalendarDetail, type CalendarSource, type SyncFrequency } from '../api/calendar-sync';
import { errorMessage } from '../api/client';
import { Badge } from './Badge';
import { Button } from './Button';
import { Checkbox, FormError, Select } from './Field';

const FREQ_LABEL = (f: SyncFrequency) => (f === 'auto' ? 'Auto (more often when busy or bookings are near)' : `Every ${f} minutes`);

export function CalendarSyncSettings({ detail, onSaved }: { detail: CalendarDetail; onSaved: (d: CalendarDetail) => void }) {
  const [syncEnabled, setSyncEnabled] = useState(detail.syncEnabled);
  const [frequency, setFrequency] = useState<SyncFrequency>(detail.syncFrequency);
  const [selected, setSelected] = useState<Record<string, boolean> | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [items, setItems] = useState<CalendarSource[]>(detail.calendars);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);
  const isSelected = (c: CalendarSource) => selected?.[c.id] ?? c.selected;

  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      setItems(await refreshCalendars(detail.id));
    } catch (err) {
      setRefreshError(`The list could not be refreshed: ${errorMessage(err)}`);
    } finally {
      setRefreshing(false);
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const next = await updateCalendar(detail.id, {
        syncEnabled,
        syncFrequency: frequency,
        ...(items.length ? { selectedCalendarIds: items.filter(isSelected).map((c) => c.id) } : {}),
      });
      setItems(next.calendars);
      setSelected(null);
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form settings-form card" onSubmit={(e) => void save(e)} aria-label="Calendar sync settings">
      <h2 className="card-title">Sync</h2>
      <Checkbox
        label="Sync this account"
        checked={syncEnabled}
        onCheckedChange={setSyncEnabled}
        hint="When off, its busy times stay as they were last synced and bookings are not written to it."
      />
      <Select
        label="How often"
        value={String(frequency)}
        onValueChange={(v) => setFrequency(v === 'auto' ? 'auto' : (Number(v) as SyncFrequency))}
        options={SYNC_FREQUENCIES.map((f) => ({ value: String(f), label: FREQ_LABEL(f) }))}
        disabled={!syncEnabled}
        fieldClassName="field-inline"
      />
      <h2 className="card-title">Calendars that block your availability</h2>
      {items.length === 0 ? (
        <p className="muted">No calendars known for this account yet. Refresh the list, or sync once.</p>
      ) : (
        <ul className="calendar-choices" aria-label="Calendars">
          {items.map((c) => (
            <li key={c.id}>
              <Checkbox
                label={
                  <>
                    {c.name} {c.primary && <Badge tone="info">Primary</Badge>} {c.accessState !== 'ok' && <Badge tone="danger">{c.accessState === 'revoked' ? 'No access' : 'Failing'}</Badge>}
                  </>
                }
                hint={c.lastError ?? (c.readOnly ? 'Read-only: its events block your time, bookings are not written here.' : undefined)}
                checked={isSelected(c)}
                onCheckedChange={(on) => setSelected({ ...(selected ?? {}), [c.id]: on })}
                aria-label={`${c.name} blocks availability`}
              />
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button size="sm" onClick={() => void refresh()} loading={refreshing}>
          Refresh the list from the provider
        </Button>
      </div>
      <FormError message={refreshError} />
      <FormError message={error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={saving}>
          Save
        </Button>
        {saved && (
          <span className="muted small" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
