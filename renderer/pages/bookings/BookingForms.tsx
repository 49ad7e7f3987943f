// Create and reschedule share the date/time fields: the wall-clock time in the chosen zone → UTC ms (luxon).
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { Booking, BusyItem } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { BusyWarning } from '../../components/BusyWarning';
import { DialogActions } from '../../components/Dialog';
import { DateTimeField, FormError, Select, TextAreaField, TextField } from '../../components/Field';
import { busyItemsOf, busyOverridable } from '../../lib/busy';
import { fieldErrorsFrom, type FieldErrors } from '../../lib/field-errors';
import { useFocusFirstInvalid } from '../../lib/hooks';
import { durationMinutes, timeZones, todayIn, utcToWall, wallToUtc } from '../../lib/time';
import { useBookings } from '../../stores/bookings';

interface WhenState {
  date: string;
  start: string;
  end: string;
  timeZone: string;
}

const WHEN_FIELD: Record<string, keyof WhenState> = { startUtc: 'start', endUtc: 'end', timeZone: 'timeZone' };
const CREATE_FIELDS = new Set(['title', 'attendeeName', 'attendeeEmail', 'notes']);

function resolveWhen(w: WhenState): { startUtc: number; endUtc: number } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!w.date) errors.date = 'Enter a date';
  if (!w.start) errors.start = 'Enter a start time';
  if (!w.end) errors.end = 'Enter an end time';
  if (Object.keys(errors).length) return { errors };
  const startUtc = wallToUtc(w.date, w.start, w.timeZone);
  const endUtc = wallToUtc(w.date, w.end, w.timeZone);
  if (startUtc === null) errors.start = 'Not a valid date and time';
  if (endUtc === null) errors.end = 'Not a valid time';
  if (startUtc === null || endUtc === null) return { errors };
  return { startUtc, endUtc };
}

function WhenFields({ when, onChange, errors }: { when: WhenState; onChange: (w: WhenState) => void; errors: FieldErrors }) {
  const zones = useMemo(() => timeZones(when.timeZone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), [when.timeZone]);
  const resolved = resolveWhen(when);
  const minutes = 'startUtc' in resolved ? durationMinutes(resolved.startUtc, resolved.endUtc) : null;
  return (
    <>
      <div className="form-row form-row-3">
        <DateTimeField kind="date" label="Date" required value={when.date} onValueChange={(date) => onChange({ ...when, date })} error={errors.date} />
        <DateTimeField kind="time" label="Start time" required value={when.start} onValueChange={(start) => onChange({ ...when, start })} error={errors.start} />
        <DateTimeField
          kind="time"
          label="End time"
          required
          value={when.end}
          onValueChange={(end) => onChange({ ...when, end })}
          error={errors.end}
          hint={minutes !== null && minutes > 0 ? `${minutes} min` : 'Same day as the start'}
        />
      </div>
      <Select
        label="Time zone"
        value={when.timeZone}
        onValueChange={(timeZone) => onChange({ ...when, timeZone })}
        options={zones}
        error={errors.timeZone}
        hint="The date and times above are read in this zone."
      />
    </>
  );
}

/** A prefilled time (from "Find a free time"), as wall-clock values in `timeZone`. */
export interface BookingPrefill {
  date: string;
  start: string;
  end: string;
  timeZone: string;
}

export function CreateBookingForm({
  defaultZone,
  prefill,
  onDone,
  onCancel,
}: {
  defaultZone: string;
  prefill?: BookingPrefill | undefined;
  onDone: (b: Booking) => void;
  onCancel: () => void;
}) {
  const create = useBookings((s) => s.create);
  const [title, setTitle] = useState('');
  const [attendeeName, setAttendeeName] = useState('');
  const [attendeeEmail, setAttendeeEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [when, setWhenState] = useState<WhenState>(
    () => prefill ?? { date: todayIn(defaultZone, 1), start: '09:00', end: '09:30', timeZone: defaultZone },
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [blocking, setBlocking] = useState<BusyItem[] | null>(null);
  const [overridable, setOverridable] = useState(true);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors, general);
  // A new time needs a new check: the warning belongs to the time it was given for.
  const setWhen = (w: WhenState) => {
    setBlocking(null);
    setWhenState(w);
  };

  const submit = async (e: FormEvent | null, overrideBusy = false) => {
    e?.preventDefault();
    setGeneral(null);
    const resolved = resolveWhen(when);
    if ('errors' in resolved) {
      setErrors(resolved.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const booking = await create({
        title,
        attendeeName,
        attendeeEmail,
        timeZone: when.timeZone,
        ...resolved,
        ...(notes.trim() ? { notes } : {}),
        ...(overrideBusy ? { overrideBusy: true } : {}),
      });
      onDone(booking);
    } catch (err) {
      const items = busyItemsOf(err);
      if (items) {
        setBlocking(items);
        setOverridable(busyOverridable(err));
        return;
      }
      setBlocking(null);
      const mapped = fieldErrorsFrom(err, (k) => WHEN_FIELD[k] ?? (CREATE_FIELDS.has(k) ? k : undefined));
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
    <form ref={formRef} className="form" noValidate onSubmit={submit} aria-label="New booking">
      <FormError message={general} />
      <TextField label="Title" required value={title} onValueChange={setTitle} error={errors.title} data-autofocus placeholder="Intro call" />
      <div className="form-row form-row-2">
        <TextField label="Attendee name" required value={attendeeName} onValueChange={setAttendeeName} error={errors.attendeeName} autoComplete="off" />
        <TextField
          label="Attendee email"
          type="email"
          required
          value={attendeeEmail}
          onValueChange={setAttendeeEmail}
          error={errors.attendeeEmail}
          autoComplete="off"
        />
      </div>
      <WhenFields when={when} onChange={setWhen} errors={errors} />
      <TextAreaField label="Notes" value={notes} onValueChange={setNotes} error={errors.notes} rows={3} hint="Optional" />
      {blocking && (
        <BusyWarning
          items={blocking}
          zone={when.timeZone}
          overrideLabel="Book anyway"
          onOverride={overridable ? () => void submit(null, true) : undefined}
          loading={busy}
        />
      )}
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy}>
          Create booking
        </Button>
      </DialogActions>
    </form>
  );
}

export function RescheduleForm({ booking, onDone, onCancel }: { booking: Booking; onDone: (b: Booking) => void; onCancel: () => void }) {
  const reschedule = useBookings((s) => s.reschedule);
  const [when, setWhen] = useState<WhenState>(() => {
    const s = utcToWall(booking.startUtc, booking.timeZone);
    const e = utcToWall(booking.endUtc, booking.timeZone);
    return { date: s.date, start: s.time, end: e.time, timeZone: booking.timeZone };
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [blocking, setBlocking] = useState<BusyItem[] | null>(null);
  const [overridable, setOverridable] = useState(true);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors, general);
  const onWhen = (w: WhenState) => {
    setBlocking(null);
    setWhen(w);
  };

  const submit = async (e: FormEvent | null, overrideBusy = false) => {
    e?.preventDefault();
    setGeneral(null);
    const resolved = resolveWhen(when);
    if ('errors' in resolved) {
      setErrors(resolved.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      onDone(await reschedule({ id: booking.id, timeZone: when.timeZone, ...resolved, ...(overrideBusy ? { overrideBusy: true } : {}) }));
    } catch (err) {
      const items = busyItemsOf(err);
      if (items) {
        setBlocking(items);
        setOverridable(busyOverridable(err));
        return;
      }
      setBlocking(null);
      const mapped = fieldErrorsFrom(err, (k) => WHEN_FIELD[k]);
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
    <form ref={formRef} className="form" noValidate onSubmit={submit} aria-label={`Reschedule ${booking.title}`}>
      <FormError message={general} />
      <WhenFields when={when} onChange={onWhen} errors={errors} />
      {blocking && (
        <BusyWarning
          items={blocking}
          zone={when.timeZone}
          overrideLabel="Reschedule anyway"
          onOverride={overridable ? () => void submit(null, true) : undefined}
          loading={busy}
        />
      )}
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Keep current time
        </Button>
        <Button type="submit" variant="primary" loading={busy}>
          Reschedule
        </Button>
      </DialogActions>
    </form>
  );
}

export function CancelBookingForm({ booking, onDone, onCancel }: { booking: Booking; onDone: (b: Booking) => void; onCancel: () => void }) {
  const cancel = useBookings((s) => s.cancel);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await cancel(booking.id, reason.trim() || undefined));
    } catch (err) {
      const mapped = fieldErrorsFrom(err, (k) => (k === 'reason' ? 'reason' : undefined));
      setError(mapped?.fields.reason ?? mapped?.general ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" noValidate onSubmit={submit} aria-label={`Cancel ${booking.title}`}>
      <TextAreaField label="Reason" value={reason} onValueChange={setReason} rows={3} hint="Optional. Kept with the booking." error={error} />
      <DialogActions>
        <Button onClick={onCancel} disabled={busy} data-autofocus>
          Keep booking
        </Button>
        <Button type="submit" variant="danger" loading={busy}>
          Cancel booking
        </Button>
      </DialogActions>
    </form>
  );
}
