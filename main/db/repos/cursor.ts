// Opaque keyset cursors: base64url JSON of the last row's sort key. Never OFFSET.
import { AppError } from '../../../shared/errors';

export function encodeCursor(key: [number, string | number]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<K extends string | number>(cursor: string, idType: 'string' | 'number'): [number, K] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === idType) {
      return [v[0] as number, v[1] as K];
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'The page cursor is not valid; reload the list.', [
    { path: ['cursor'], message: 'Invalid cursor' },
  ]);
}

/**
 * Turns rows fetched with `limit + 1` into a page: the extra row only says there is more, and the last kept
 * row's sort key becomes the cursor.
 */
export function keysetPage<R>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => [number, string | number],
): { rows: R[]; nextCursor: string | null } {
  const more = rows.length > limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return { rows, nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}
