// The four states every data view has: loading, empty, error, and "not built yet".
import type { ReactNode } from 'react';
import { Button } from './Button';

export function LoadingState({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="state state-loading" role="status" aria-busy="true" aria-live="polite">
      <div className="state-loading-head">
        <span className="spinner" aria-hidden="true" />
        <span>{label}</span>
      </div>
      <div className="skeleton-list" aria-hidden="true">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="skeleton-row" />
        ))}
      </div>
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <h2 className="state-title">{title}</h2>
      {children && <div className="state-body">{children}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ title = 'This could not be loaded', message, onRetry }: { title?: string; message: string; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title}</h2>
      <p className="state-body">{message}</p>
      {onRetry && (
        <div className="state-action">
          <Button onClick={onRetry}>Retry</Button>
        </div>
      )}
    </div>
  );
}

/** For routes whose feature belongs to a later release: says so, shows no invented data. */
export function NotBuiltState({ feature, children }: { feature: string; children?: ReactNode }) {
  return (
    <div className="state state-notbuilt">
      <h2 className="state-title">Not built yet</h2>
      <p className="state-body">{feature} arrives in a later release. Nothing on this page is live yet.</p>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}
