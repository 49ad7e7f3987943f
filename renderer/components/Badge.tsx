import type { ReactNode } from 'react';
import type { BookingStatus, LogType } from '../../shared/domain';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const BOOKING_TONE: Record<BookingStatus, BadgeTone> = { scheduled: 'info', completed: 'success', cancelled: 'neutral' };
const BOOKING_LABEL: Record<BookingStatus, string> = { scheduled: 'Scheduled', completed: 'Completed', cancelled: 'Cancelled' };

export function BookingStatusBadge({ status }: { status: BookingStatus }) {
  return <Badge tone={BOOKING_TONE[status]}>{BOOKING_LABEL[status]}</Badge>;
}

export const LOG_TYPE_LABEL: Record<LogType, string> = {
  calendar_sync: 'Calendar sync',
  video_link_created: 'Video link',
  webhook_sent: 'Webhook',
  error: 'Error',
  account: 'Account',
};

export function LogTypeBadge({ type, success }: { type: LogType; success: boolean }) {
  const tone: BadgeTone = type === 'error' || !success ? 'danger' : 'info';
  return <Badge tone={tone}>{LOG_TYPE_LABEL[type]}</Badge>;
}
