import { useEffect, useState } from 'react';
import { BOOKING_STATUSES, type Booking } from '../../../shared/domain';
import { errorMessage } from '../../api/client';
import { BookingStatusBadge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Select } from '../../components/Field';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { useDocumentTitle, useOrganizerZone } from '../../lib/hooks';
import { formatRange, whenParts } from '../../lib/time';
import { useBookings, type BookingFilter } from '../../stores/bookings';
import { toast } from '../../stores/toasts';
import { CancelBookingForm, CreateBookingForm, RescheduleForm, type BookingPrefill } from './BookingForms';
import { FindFreeTime } from './FindFreeTime';

const FILTERS = [
  { value: 'all', label: 'All statuses' },
  ...BOOKING_STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) })),
];

type DialogState = { kind: 'create'; prefill?: BookingPrefill } | { kind: 'reschedule'; booking: Booking } | { kind: 'cancel'; booking: Booking } | null;

export function BookingsPage() {
  useDocumentTitle('Bookings');
  const { items, nextCursor, status, error, loadingMore, moreError, filter, setFilter, load, loadMore, complete } = useBookings();
  const zone = useOrganizerZone();
  const [dialog, setDialog] = useState<DialogState>(null);
  const [completing, setCompleting] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const close = () => setDialog(null);

  const onComplete = async (b: Booking) => {
    setCompleting(b.id);
    try {
      await complete(b.id);
      // The Complete button is gone with the row's new status; keep the keyboard in the page.
      document.getElementById('main')?.focus({ preventScroll: true });
      toast(`“${b.title}” marked as completed`, 'success');
    } catch (err) {
      toast(`Could not complete “${b.title}”: ${errorMessage(err)}`, 'danger');
    } finally {
      setCompleting(null);
    }
  };

  const columns: Column<Booking>[] = [
    {
      key: 'booking',
      header: 'Booking',
      className: 'col-booking',
      render: (b) => (
        <>
          <div className="cell-main">{b.title}</div>
          <div className="cell-sub">
            {b.attendeeName} · {b.attendeeEmail}
          </div>
        </>
      ),
    },
    {
      key: 'when',
      header: 'When',
      className: 'col-when',
      render: (b) => {
        const w = whenParts(b.startUtc, b.endUtc, b.timeZone);
        return (
          <>
            <div>{w.day}</div>
            <div>{w.time}</div>
            {b.timeZone !== zone && <div className="cell-sub">{b.timeZone.replace(/_/g, ' ')}</div>}
          </>
        );
      },
    },
    { key: 'status', header: 'Status', render: (b) => <BookingStatusBadge status={b.status} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'col-actions',
      render: (b) =>
        b.status === 'scheduled' ? (
          <div className="row-actions">
            <Button size="sm" onClick={() => setDialog({ kind: 'reschedule', booking: b })} aria-label={`Reschedule ${b.title}`}>
              Reschedule
            </Button>
            <Button size="sm" onClick={() => void onComplete(b)} loading={completing === b.id} aria-label={`Complete ${b.title}`}>
              Complete
            </Button>
            <Button size="sm" variant="danger" onClick={() => setDialog({ kind: 'cancel', booking: b })} aria-label={`Cancel ${b.title}`}>
              Cancel
            </Button>
          </div>
        ) : null,
    },
  ];

  let body;
  if (status === 'idle' || status === 'loading') body = <LoadingState label="Loading bookings…" />;
  else if (status === 'error') body = <ErrorState title="Bookings could not be loaded" message={error ?? 'Unknown error'} onRetry={() => void load()} />;
  else if (items.length === 0)
    body =
      filter === 'all' ? (
        <EmptyState
          title="No bookings yet"
          action={
            <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
              Create a booking
            </Button>
          }
        >
          Bookings you create here block your availability and, once integrations are connected, drive calendar events, video links
          and webhooks.
        </EmptyState>
      ) : (
        <EmptyState title={`No ${filter} bookings`}>Choose another status to see the rest.</EmptyState>
      );
  else
    body = (
      <>
        <Table caption="Bookings" columns={columns} rows={items} rowKey={(b) => b.id} />
        <LoadMore hasMore={!!nextCursor} loading={loadingMore} error={moreError} onLoadMore={() => void loadMore()} count={items.length} noun="bookings" />
      </>
    );

  return (
    <>
      <PageHeader
        title="Bookings"
        description="Meetings with attendees, shown in each booking’s own time zone."
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
            New booking
          </Button>
        }
      />
      <div className="toolbar">
        <Select label="Status" value={filter} onValueChange={(v) => setFilter(v as BookingFilter)} options={FILTERS} fieldClassName="field-inline" />
      </div>
      <section aria-label="Booking list" aria-busy={status === 'loading' || undefined}>
        {body}
      </section>
      <FindFreeTime zone={zone} onPick={(prefill) => setDialog({ kind: 'create', prefill })} />

      <Dialog open={dialog?.kind === 'create'} title="New booking" onClose={close}>
        <CreateBookingForm
          // A new prefill is a new form (its state is initialised from it).
          key={dialog?.kind === 'create' && dialog.prefill ? `${dialog.prefill.date}T${dialog.prefill.start}` : 'blank'}
          defaultZone={zone}
          prefill={dialog?.kind === 'create' ? dialog.prefill : undefined}
          onCancel={close}
          onDone={(b) => {
            close();
            toast(`Booking “${b.title}” created`, 'success');
          }}
        />
      </Dialog>
      <Dialog
        open={dialog?.kind === 'reschedule'}
        title="Reschedule booking"
        description={dialog?.kind === 'reschedule' ? <p>{dialog.booking.title}</p> : undefined}
        onClose={close}
      >
        {dialog?.kind === 'reschedule' && (
          <RescheduleForm
            booking={dialog.booking}
            onCancel={close}
            onDone={(b) => {
              close();
              toast(`“${b.title}” rescheduled`, 'success');
            }}
          />
        )}
      </Dialog>
      <Dialog
        open={dialog?.kind === 'cancel'}
        size="sm"
        title="Cancel booking?"
        description={
          dialog?.kind === 'cancel' ? (
            <p>
              “{dialog.booking.title}” with {dialog.booking.attendeeName} on {formatRange(dialog.booking.startUtc, dialog.booking.endUtc, dialog.booking.timeZone)}{' '}
              will be cancelled. This cannot be undone.
            </p>
          ) : undefined
        }
        onClose={close}
      >
        {dialog?.kind === 'cancel' && (
          <CancelBookingForm
            booking={dialog.booking}
            onCancel={close}
            onDone={(b) => {
              close();
              toast(`“${b.title}” cancelled`, 'success');
            }}
          />
        )}
      </Dialog>
    </>
  );
}
