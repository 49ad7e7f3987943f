// The browser host's public surface.
export { startBrowserHost, IPC_BODY_LIMIT, type BrowserHost, type BrowserHostOptions, type HostCore } from './server';
export { generateToken, SESSION_COOKIE, COOKIELESS_ROUTES } from './auth';
export { appDataDir, APP_FOLDER } from './app-data-dir';
