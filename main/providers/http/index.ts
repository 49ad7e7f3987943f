export {
  ProviderHttp,
  type AccessTokenSource,
  type AttemptInfo,
  type AttemptOutcome,
  type ProviderHttpHooks,
  type ProviderHttpOptions,
  type ProviderRequest,
  type ProviderResponse,
} from './provider-http';
export { codeForStatus, providerErrorCode, providerLabel } from './errors';
