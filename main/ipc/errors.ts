// Maps anything a handler throws to the envelope's error body, in words a person understands.
import { ZodError } from 'zod';
import { AppError, type ErrorBody } from '../../shared/errors';

export function toErrorBody(err: unknown): { body: ErrorBody; internal: boolean } {
  if (err instanceof AppError) return { body: err.toBody(), internal: false };
  if (err instanceof ZodError) {
    return {
      body: {
        code: 'VALIDATION',
        message: describeIssues(err),
        details: err.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
      },
      internal: false,
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return {
      body: { code: 'CONFLICT', message: 'That change conflicts with data Junction already has.' },
      internal: false,
    };
  }
  return {
    body: { code: 'INTERNAL', message: 'Something went wrong inside Junction. The error was logged.' },
    internal: true,
  };
}

function describeIssues(err: ZodError): string {
  const first = err.issues[0];
  if (!first) return 'The request was not valid.';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
  return `Please check the input. ${where}${first.message}${more}`;
}
