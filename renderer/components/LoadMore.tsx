import { Button } from './Button';

export function LoadMore({ hasMore, loading, error, onLoadMore, count, noun }: { hasMore: boolean; loading: boolean; error: string | null; onLoadMore: () => void; count: number; noun: string }) {
  return (
    <div className="load-more">
      <p className="muted">
        Showing {count} {noun}
        {hasMore ? '' : ' (all)'}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {hasMore && (
        <Button onClick={onLoadMore} loading={loading}>
          {error ? 'Retry loading more' : 'Load more'}
        </Button>
      )}
    </div>
  );
}
