// The query of `/integrations/callback`, as the browser host's callback route (or this renderer) writes it:
//   success: status=success&integrationType&integrationId&provider&email&reconnected=1&missing=a,b
//   error:   status=error&code&message&provider(&integrationType)
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors';

export type CallbackParams =
  | {
      status: 'success';
      integrationType: 'calendar' | 'video' | null;
      integrationId: string | null;
      provider: string | null;
      email: string | null;
      reconnected: boolean;
      /** null when the query did not say (look it up). */
      missing: string[] | null;
    }
  | { status: 'error'; code: ErrorCode | null; message: string | null; provider: string | null; integrationType: 'calendar' | 'video' | null }
  /** The provider's own redirect reached this page (state + code or error): finish it through `oauth:callback`. */
  | { status: 'raw' }
  | { status: 'none' };

const kindOf = (v: string | null) => (v === 'calendar' || v === 'video' ? v : null);
const nonEmpty = (v: string | null) => (v && v.trim() ? v.trim() : null);

export function parseCallback(search: URLSearchParams): CallbackParams {
  const status = search.get('status');
  if (status === 'success') {
    const missing = search.get('missing');
    return {
      status: 'success',
      integrationType: kindOf(search.get('integrationType')),
      integrationId: nonEmpty(search.get('integrationId')),
      provider: nonEmpty(search.get('provider')),
      email: nonEmpty(search.get('email')),
      reconnected: search.get('reconnected') === '1' || search.get('reconnected') === 'true',
      missing: missing === null ? null : missing.split(',').map((s) => s.trim()).filter(Boolean),
    };
  }
  if (status === 'error') {
    const code = search.get('code');
    return {
      status: 'error',
      code: (ERROR_CODES as readonly string[]).includes(code ?? '') ? (code as ErrorCode) : null,
      message: nonEmpty(search.get('message')),
      provider: nonEmpty(search.get('provider')),
      integrationType: kindOf(search.get('integrationType')),
    };
  }
  if (search.has('state') && (search.has('code') || search.has('error'))) return { status: 'raw' };
  return { status: 'none' };
}

export function successQuery(v: {
  integrationType: string;
  integrationId: string;
  provider: string;
  email?: string | null;
  reconnected?: boolean;
  missing?: string[];
}): string {
  const q = new URLSearchParams({ status: 'success', integrationType: v.integrationType, integrationId: v.integrationId, provider: v.provider });
  if (v.email) q.set('email', v.email);
  if (v.reconnected) q.set('reconnected', '1');
  if (v.missing) q.set('missing', v.missing.join(','));
  return q.toString();
}

export function errorQuery(v: { code: string; message: string; provider?: string | null; integrationType?: string | null }): string {
  const q = new URLSearchParams({ status: 'error', code: v.code, message: v.message });
  if (v.provider) q.set('provider', v.provider);
  if (v.integrationType) q.set('integrationType', v.integrationType);
  return q.toString();
}
