// The busy-time warning of the booking dialogs: what blocks the time, and an explicit override.
import type { BusyItem } from '../../shared/domain';
import { busyKindLabel, busySource, busyWhen } from '../lib/busy';
import { Button } from './Button';

export function BusyWarning({
  items,
  zone,
  overrideLabel,
  onOverride,
  loading,
}: {
  items: BusyItem[];
  zone: string;
  overrideLabel: string;
  /** Absent when the conflict preference forbids double-booking. */
  onOverride?: (() => void) | undefined;
  loading?: boolean;
}) {
  return (
    <div className="busy-warning" role="alert" aria-labelledby="busy-warning-title">
      <p className="busy-warning-title" id="busy-warning-title">
        That time is busy
      </p>
      <ul className="busy-list">
        {items.map((i) => {
          const source = busySource(i);
          return (
            <li key={`${i.kind}:${i.id}`} className="busy-item">
              <span className="busy-kind">{busyKindLabel(i)}</span>{' '}
              <span className="strong">{i.title.trim() || '(no title)'}</span>
              <div className="cell-sub">
                {busyWhen(i, zone)}
                {source && <> · {source}</>}
              </div>
            </li>
          );
        })}
      </ul>
      {onOverride ? (
        <>
          <p className="small muted">Pick another time, or keep this one if the overlap is intended.</p>
          <div className="busy-warning-actions">
            <Button variant="danger" size="sm" onClick={onOverride} loading={loading ?? false}>
              {overrideLabel}
            </Button>
          </div>
        </>
      ) : (
        <p className="small muted">Pick another time. Your conflict preference forbids double-booking; you can change it in Settings.</p>
      )}
    </div>
  );
}
