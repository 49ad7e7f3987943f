// "Find a free time": availability:get for one day and a duration; a slot opens the create dialog prefilled.
// "Check my calendars live" also asks the connected calendars that can answer right now (Google freeBusy).
import { DateTime } from 'luxon';
import { useState, type FormEvent } from 'react';
import type { AvailabilitySlot, LiveCalendarError, LiveCalendarRef } from '../../../shared/domain';
import { call, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Checkbox, DateTimeField, FormError, Select } from '../../components/Field';
import { formatClock, todayIn, utcToWall, wallToUtc } from '../../lib/time';
import type { BookingPrefill } from './BookingForms';

const DURATIONS = [15, 30, 45, 60, 90, 120].map((m) => ({ value: String(m), label: m < 60 ? `${m} min` : `${m / 60} h${m % 60 ? ` ${m % 60} min` : ''}` }));

const HOURS = Array.from({ length: 25 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, '0')}:00` }));
const hhmm = (h: number) => `${String(h).padStart(2, '0')}:00`;

type Live = { checked: LiveCalendarRef[]; errors: LiveCalendarError[] };
type Result =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; slots: AvailabilitySlot[]; zone: string; date: string; live: Live | null };

const PROVIDER_WORD = { google: 'Google', outlook: 'Outlook', apple: 'CalDAV' } as const;
/** "Work (Google, me@example.com)". */
const calendarLabel = (c: LiveCalendarRef) => `${c.calendar} (${[PROVIDER_WORD[c.provider], c.accountEmail].filter(Boolean).join(', ')})`;

/** What was asked live, and what could not be (its synced events were used). */
function LiveNote({ live }: { live: Live }) {
  return (
    <div className="small muted free-time-live" aria-label="Live check">
      {live.checked.length > 0 ? (
        <p>Checked live just now: {live.checked.map(calendarLabel).join('; ')}.</p>
      ) : (
        live.errors.length === 0 && <p>No connected calendar can be checked live; these times come from your last sync.</p>
      )}
      {live.errors.length > 0 && (
        <ul aria-label="Calendars not checked live">
          {live.errors.map((e) => (
            <li key={`${e.integrationId}:${e.calendar}`}>
              Could not check {calendarLabel(e)} live: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function FindFreeTime({ zone, onPick }: { zone: string; onPick: (p: BookingPrefill) => void }) {
  const [duration, setDuration] = useState('30');
  const [date, setDate] = useState(() => todayIn(zone, 1));
  // The part of the day to search, in the organizer's zone (there are no working hours settings yet).
  const [from, setFrom] = useState('8');
  const [to, setTo] = useState('18');
  const [live, setLive] = useState(false);
  const [result, setResult] = useState<Result>({ state: 'idle' });

  const find = async (e: FormEvent) => {
    e.preventDefault();
    const start = wallToUtc(date, hhmm(Number(from)), zone);
    // 24:00 is the start of the next day.
    const end = Number(to) === 24 ? wallToUtc(DateTime.fromISO(date).plus({ days: 1 }).toFormat('yyyy-MM-dd'), '00:00', zone) : wallToUtc(date, hhmm(Number(to)), zone);
    if (start === null || end === null) {
      setResult({ state: 'error', message: 'Enter a date.' });
      return;
    }
    if (end <= start) {
      setResult({ state: 'error', message: 'The search must end after it starts: pick a later “Until”.' });
      return;
    }
    setResult({ state: 'loading' });
    try {
      const minutes = Number(duration);
      const r = await call('availability:get', {
        rangeStart: start,
        rangeEnd: end,
        durationMinutes: minutes,
        stepMinutes: Math.min(30, minutes),
        ...(live ? { live: true } : {}),
      });
      const now = Date.now();
      setResult({
        state: 'ready',
        slots: r.slots.filter((s) => s.startUtc >= now),
        zone: r.zone,
        date,
        live: live ? { checked: r.liveChecked ?? [], errors: r.liveErrors ?? [] } : null,
      });
    } catch (err) {
      setResult({ state: 'error', message: errorMessage(err) });
    }
  };

  const pick = (s: AvailabilitySlot, slotZone: string) => {
    const a = utcToWall(s.startUtc, slotZone);
    const b = utcToWall(s.endUtc, slotZone);
    onPick({ date: a.date, start: a.time, end: b.time, timeZone: slotZone });
  };

  return (
    <section className="card free-time" aria-labelledby="free-time-title">
      <h2 className="card-title" id="free-time-title">
        Find a free time
      </h2>
      <form className="free-time-form" onSubmit={(e) => void find(e)} aria-label="Find a free time">
        <Select label="Duration" value={duration} onValueChange={setDuration} options={DURATIONS} fieldClassName="field-inline" />
        <DateTimeField kind="date" label="Day" value={date} onValueChange={setDate} fieldClassName="field-inline" />
        <Select label="From" value={from} onValueChange={setFrom} options={HOURS.slice(0, 24)} fieldClassName="field-inline field-narrow" />
        <Select label="Until" value={to} onValueChange={setTo} options={HOURS.slice(1)} fieldClassName="field-inline field-narrow" />
        <Checkbox
          label="Check my calendars live"
          hint="Also asks Google right now, for events not synced yet."
          checked={live}
          onCheckedChange={setLive}
        />
        <Button type="submit" loading={result.state === 'loading'}>
          Find times
        </Button>
      </form>
      <div aria-live="polite">
        {result.state === 'error' && <FormError message={result.message} />}
        {result.state === 'ready' && result.live && <LiveNote live={result.live} />}
        {result.state === 'ready' &&
          (result.slots.length === 0 ? (
            <p className="muted">No free {duration}-minute time between {hhmm(Number(from))} and {hhmm(Number(to))} that day. Try another day, a wider window or a shorter duration.</p>
          ) : (
            <>
              <p className="small muted">
                {result.slots.length} free time{result.slots.length === 1 ? '' : 's'} ({result.zone.replace(/_/g, ' ')}). Pick one to book it.
              </p>
              <ul className="slot-list" aria-label="Free times">
                {result.slots.map((s) => (
                  <li key={s.startUtc}>
                    <Button size="sm" onClick={() => pick(s, result.zone)}>
                      {formatClock(s.startUtc, result.zone)}–{formatClock(s.endUtc, result.zone)}
                    </Button>
                  </li>
                ))}
              </ul>
            </>
          ))}
      </div>
    </section>
  );
}
