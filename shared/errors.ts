// Stable error codes carried across IPC. The renderer shows `message`; scripts branch on `code`.
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_IMPLEMENTED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'TOKEN_EXPIRED',
  'PROVIDER_UNAVAILABLE',
  'NOT_CONFIGURED',
  'OAUTH_DENIED',
  'OAUTH_STATE_INVALID',
  'OAUTH_FAILED',
  'INSUFFICIENT_SCOPE',
  'DISCONNECTED',
  'AUTH_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Thrown by services; the router turns it into `{ ok: false, error }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
