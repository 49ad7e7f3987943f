// Typed client over `window.junction`: unwraps the envelope and throws ClientError for `{ok:false}`.
import type { ErrorCode } from '../../shared/errors';
import type { Channel, ChannelInput, ChannelOutput } from '../../shared/ipc/contract';
import type { PushEvents, PushName } from '../../shared/ipc/push';

export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    this.details = details;
  }
}

function bridge() {
  const api = (window as Partial<Window>).junction;
  if (!api) throw new ClientError('INTERNAL', 'Junction’s connection to its background process is missing. Restart the app.');
  return api;
}

export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  let envelope;
  try {
    envelope = await bridge().invoke(channel, input);
  } catch (err) {
    if (err instanceof ClientError) throw err;
    // Transport failure (host gone, network error): there is no envelope to read.
    throw new ClientError('PROVIDER_UNAVAILABLE', 'Junction could not be reached. Check that it is still running, then try again.', err);
  }
  if (!envelope || typeof envelope !== 'object' || !('ok' in envelope)) {
    throw new ClientError('INTERNAL', 'Junction sent an answer this page does not understand.');
  }
  if (envelope.ok) return envelope.data;
  const { code, message, details } = envelope.error;
  throw new ClientError(code, message || describeCode(code), details);
}

export function onPush<P extends PushName>(name: P, listener: (payload: PushEvents[P]) => void): () => void {
  const api = (window as Partial<Window>).junction;
  if (!api) return () => undefined;
  return api.on(name, listener);
}

/** Words for a person, used when the server sent a code without a usable message. */
export function describeCode(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION':
      return 'Some fields need attention.';
    case 'NOT_FOUND':
      return 'That item no longer exists.';
    case 'CONFLICT':
      return 'That change clashes with the current state. Reload and try again.';
    case 'NOT_IMPLEMENTED':
      return 'This feature is not built yet.';
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return 'This session is not allowed to do that. Reopen Junction from its start link.';
    case 'RATE_LIMITED':
      return 'Too many requests just now. Wait a moment and try again.';
    case 'TOKEN_EXPIRED':
      return 'The account’s sign-in has expired. Reconnect it.';
    case 'PROVIDER_UNAVAILABLE':
      return 'The service could not be reached. Try again shortly.';
    case 'NOT_CONFIGURED':
      return 'Junction has no OAuth client for this provider yet. Add one in Settings → Providers.';
    case 'OAUTH_DENIED':
      return 'Access was not allowed at the provider, so nothing was connected.';
    case 'OAUTH_STATE_INVALID':
      return 'This sign-in link is no longer valid (it expired, was already used, or was not started here). Start again.';
    case 'OAUTH_FAILED':
      return 'The provider did not complete the sign-in. Start again.';
    case 'INSUFFICIENT_SCOPE':
      return 'The provider did not grant every permission Junction needs. Connect again and allow them all.';
    case 'DISCONNECTED':
      return 'That account is disconnected. Reconnect it first.';
    case 'AUTH_FAILED':
      return 'Wrong username or password.';
    case 'INTERNAL':
      return 'Something went wrong inside Junction.';
  }
}

/** A message suitable for an error banner. */
export function errorMessage(err: unknown): string {
  if (err instanceof ClientError) return err.message || describeCode(err.code);
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
