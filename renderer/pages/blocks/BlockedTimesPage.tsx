import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { BlockedTime } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog, DialogActions } from '../../components/Dialog';
import { Checkbox, DateTimeField, FormError, Select, TextField } from '../../components/Field';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { fieldErrorsFrom, type FieldErrors } from '../../lib/field-errors';
import { useDocumentTitle, useFocusFirstInvalid, useOrganizerZone } from '../../lib/hooks';
import { dayParts, dayStartUtc, formatDayRange, formatRange, timeZones, todayIn, wallToUtc, whenParts } from '../../lib/time';
import { useBlocks, type BlockFilter } from '../../stores/blocks';
import { toast } from '../../stores/toasts';

const FILTERS = [
  { value: 'all', label: 'All sources' },
  { value: 'manual', label: 'Manual' },
  { value: 'synced', label: 'Synced from calendars' },
];

function CreateBlockForm({ defaultZone, onDone, onCancel }: { defaultZone: string; onDone: (b: BlockedTime) => void; onCancel: () => void }) {
  const create = useBlocks((s) => s.create);
  const tomorrow = todayIn(defaultZone, 1);
  const [title, setTitle] = useState('');
  const [allDay, setAllDay] = useState(false);
  const [startDate, setStartDate] = useState(tomorrow);
  const [startTime, setStartTime] = useState('12:00');
  const [endDate, setEndDate] = useState(tomorrow);
  const [endTime, setEndTime] = useState('13:00');
  const [zone, setZone] = useState(defaultZone);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors, general);
  const zones = useMemo(() => timeZones(zone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') })), [zone]);

  const resolve = (): { ok: true; startUtc: number; endUtc: number } | { ok: false; errors: FieldErrors } => {
    const errs: FieldErrors = {};
    if (!startDate) errs.startDate = 'Enter a start date';
    if (!endDate) errs.endDate = 'Enter an end date';
    if (!allDay && !startTime) errs.startTime = 'Enter a start time';
    if (!allDay && !endTime) errs.endTime = 'Enter an end time';
    if (Object.keys(errs).length) return { ok: false, errors: errs };
    // All-day blocks cover whole days in the zone: the end is the midnight after the last day.
    const startUtc = allDay ? dayStartUtc(startDate, zone) : wallToUtc(startDate, startTime, zone);
    const endUtc = allDay ? dayStartUtc(endDate, zone, 1) : wallToUtc(endDate, endTime, zone);
    if (startUtc === null) errs[allDay ? 'startDate' : 'startTime'] = 'Not a valid date and time';
    if (endUtc === null) errs[allDay ? 'endDate' : 'endTime'] = 'Not a valid date and time';
    if (startUtc === null || endUtc === null) return { ok: false, errors: errs };
    return { ok: true, startUtc, endUtc };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const r = resolve();
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      onDone(await create({ ...(title.trim() ? { title } : {}), startUtc: r.startUtc, endUtc: r.endUtc, timeZone: zone, allDay }));
    } catch (err) {
      const map: Record<string, string> = { title: 'title', startUtc: allDay ? 'startDate' : 'startTime', endUtc: allDay ? 'endDate' : 'endTime', timeZone: 'zone' };
      const mapped = fieldErrorsFrom(err, (k) => map[k]);
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
    <form ref={formRef} className="form" noValidate onSubmit={submit} aria-label="New blocked time">
      <FormError message={general} />
      <TextField label="Title" value={title} onValueChange={setTitle} error={errors.title} hint="Optional, e.g. “Lunch” or “Dentist”" data-autofocus />
      <Checkbox label="All day" checked={allDay} onCheckedChange={setAllDay} hint="Blocks whole days in the chosen time zone." />
      <div className="form-row form-row-2">
        <DateTimeField kind="date" label="Start date" required value={startDate} onValueChange={setStartDate} error={errors.startDate} />
        {!allDay && <DateTimeField kind="time" label="Start time" required value={startTime} onValueChange={setStartTime} error={errors.startTime} />}
      </div>
      <div className="form-row form-row-2">
        <DateTimeField kind="date" label={allDay ? 'Last day' : 'End date'} required value={endDate} onValueChange={setEndDate} error={errors.endDate} />
        {!allDay && <DateTimeField kind="time" label="End time" required value={endTime} onValueChange={setEndTime} error={errors.endTime} />}
      </div>
      <Select label="Time zone" value={zone} onValueChange={setZone} options={zones} error={errors.zone} />
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy}>
          Block this time
        </Button>
      </DialogActions>
    </form>
  );
}

export function BlockedTimesPage() {
  useDocumentTitle('Blocked times');
  const { items, nextCursor, status, error, loadingMore, moreError, filter, setFilter, load, loadMore, remove } = useBlocks();
  const zone = useOrganizerZone();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<BlockedTime | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await remove(deleting.id);
      toast(`Blocked time “${deleting.title || 'Untitled'}” deleted`, 'success');
      setDeleting(null);
    } catch (err) {
      setDeleteError(errorMessage(err));
    } finally {
      setDeleteBusy(false);
    }
  };

  const when = (b: BlockedTime) => (b.allDay ? formatDayRange(b.startUtc, b.endUtc, b.timeZone) : formatRange(b.startUtc, b.endUtc, b.timeZone));

  const columns: Column<BlockedTime>[] = [
    { key: 'title', header: 'Title', render: (b) => (b.title ? <span className="cell-main">{b.title}</span> : <span className="muted">Untitled</span>) },
    {
      key: 'when',
      header: 'When',
      className: 'col-when',
      render: (b) => {
        const w = b.allDay ? dayParts(b.startUtc, b.endUtc, b.timeZone) : whenParts(b.startUtc, b.endUtc, b.timeZone);
        return (
          <>
            <div>{w.day}</div>
            <div>{w.time}</div>
            {b.timeZone !== zone && <div className="cell-sub">{b.timeZone.replace(/_/g, ' ')}</div>}
          </>
        );
      },
    },
    {
      key: 'source',
      header: 'Source',
      render: (b) => (b.source === 'manual' ? <Badge tone="neutral">Manual</Badge> : <Badge tone="info">Synced</Badge>),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'col-actions',
      render: (b) =>
        b.source === 'manual' ? (
          <div className="row-actions">
            <Button
              size="sm"
              variant="danger"
              onClick={() => {
                setDeleteError(null);
                setDeleting(b);
              }}
              aria-label={`Delete ${b.title || 'untitled blocked time'}`}
            >
              Delete
            </Button>
          </div>
        ) : (
          <span className="muted small">Managed by its calendar</span>
        ),
    },
  ];

  let body;
  if (status === 'idle' || status === 'loading') body = <LoadingState label="Loading blocked times…" />;
  else if (status === 'error') body = <ErrorState title="Blocked times could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (items.length === 0)
    body =
      filter === 'all' ? (
        <EmptyState
          title="No blocked times"
          action={
            <Button variant="primary" onClick={() => setCreating(true)}>
              Block time
            </Button>
          }
        >
          Block time you are not available: lunch, travel, focus time. Busy times from connected calendars will appear here too once
          calendar sync arrives.
        </EmptyState>
      ) : (
        <EmptyState title={filter === 'manual' ? 'No manual blocked times' : 'No synced blocked times'}>
          {filter === 'synced' ? 'Calendar sync arrives in a later release.' : 'Choose another source to see the rest.'}
        </EmptyState>
      );
  else
    body = (
      <>
        <Table caption="Blocked times" columns={columns} rows={items} rowKey={(b) => b.id} />
        <LoadMore hasMore={!!nextCursor} loading={loadingMore} error={moreError} onLoadMore={() => void loadMore()} count={items.length} noun="blocked times" />
      </>
    );

  return (
    <>
      <PageHeader
        title="Blocked times"
        description="Times you are unavailable. Manual blocks are yours to edit; synced ones follow their calendar."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Block time
          </Button>
        }
      />
      <div className="toolbar">
        <Select label="Source" value={filter} onValueChange={(v) => setFilter(v as BlockFilter)} options={FILTERS} fieldClassName="field-inline" />
      </div>
      <section aria-label="Blocked time list" aria-busy={status === 'loading' || undefined}>
        {body}
      </section>

      <Dialog open={creating} title="Block time" onClose={() => setCreating(false)}>
        <CreateBlockForm
          defaultZone={zone}
          onCancel={() => setCreating(false)}
          onDone={(b) => {
            setCreating(false);
            toast(`Blocked ${b.title ? `“${b.title}”` : 'time'} created`, 'success');
          }}
        />
      </Dialog>
      <Dialog
        open={!!deleting}
        size="sm"
        title="Delete blocked time?"
        description={deleting ? <p>“{deleting.title || 'Untitled'}”, {when(deleting)}, will be removed and the time becomes available again.</p> : undefined}
        onClose={() => setDeleting(null)}
      >
        <FormError message={deleteError} />
        <DialogActions>
          <Button onClick={() => setDeleting(null)} disabled={deleteBusy} data-autofocus>
            Keep it
          </Button>
          <Button variant="danger" onClick={() => void confirmDelete()} loading={deleteBusy}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
