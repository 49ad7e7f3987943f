export { connectCalDav, connectCalDavDetailed, type CalDavConnectDeps, type CalDavConnectInput, type CalDavConnectResult } from './connect';
export {
  AUTH_FAILED_MESSAGE,
  DEFAULT_FETCH_TIMEOUT_MS,
  discoverCalDav,
  parseServerUrl,
  type CalDavCredentials,
  type CalDavDiscovery,
  type DiscoveredCalendar,
  type DiscoverOptions,
} from './discover';
