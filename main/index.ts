// Electron composition root: wires the shell (window, app:// protocol, guards) to the core. Thin on purpose:
// every decision lives as a pure function in main/shell/. Tray and OS protocol registration come with the
// desktop-shell issue; the deep-link handling below (parse, queue until ready, complete) is already real.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { AppError, type Envelope } from '../shared/errors';
import { CHANNELS } from '../shared/ipc/contract';
import { createCore, type Core } from './core';
import { APP_FOLDER } from './host/app-data-dir';
import { simplePage } from './host/responses';
import { NOT_BUILT_MESSAGE } from './host/static';
import { APP_SCHEME, APP_START_URL, appProtocolHeaders, resolveAppProtocolPath } from './shell/app-protocol';
import { DeepLinkQueue, deepLinkFromArgv } from './oauth/deep-link';
import { isAllowedExternalUrl } from './shell/external';
import { isAllowedNavigation, isTrustedSender, windowOpenDecision } from './shell/navigation';
import { createNativeNotificationPort } from './shell/electron/native-notifications';
import { SafeStorageCipher } from './shell/safe-storage-cipher';
import { isPermissionAllowed, windowWebPreferences } from './shell/window';

// Bundled to dist/main/index.js; preload and renderer sit beside it in dist/.
const HERE = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(HERE, '..', 'preload', 'index.cjs');
const RENDERER_ROOT = join(HERE, '..', 'renderer');

const UNTRUSTED_SENDER: Envelope<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'IPC is accepted only from Junction’s own window.' },
};

// Before ready: privileged scheme, sandbox for every renderer, and the same data folder the browser host uses.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();
app.setPath('userData', join(app.getPath('appData'), APP_FOLDER));

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
let unsubscribePushes: (() => void) | null = null;
let disposed = false;
// The OS can hand us junction://oauth/callback before the core exists: hold it until then.
const deepLinks = new DeepLinkQueue();

async function serveApp(request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: appProtocolHeaders('text/plain; charset=utf-8') });
  }
  const target = resolveAppProtocolPath(request.url, RENDERER_ROOT);
  if (target.kind === 'refuse') {
    return new Response(null, { status: target.status, headers: appProtocolHeaders('text/plain; charset=utf-8') });
  }
  try {
    const body = await readFile(target.path);
    return new Response(body, { status: 200, headers: appProtocolHeaders(target.contentType) });
  } catch {
    if (target.kind === 'index') {
      const page = simplePage('Junction', [NOT_BUILT_MESSAGE]);
      return new Response(page, { status: 503, headers: appProtocolHeaders('text/html; charset=utf-8') });
    }
    return new Response(null, { status: 404, headers: appProtocolHeaders('text/plain; charset=utf-8') });
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Junction',
    webPreferences: windowWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_START_URL);
  return win;
}

function bindIpc(c: Core): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) return UNTRUSTED_SENDER;
      return c.router.invoke(channel, input);
    });
  }
  unsubscribePushes = c.pushes.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(name, payload);
    }
  });
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
  protocol.handle(APP_SCHEME, serveApp);

  const c = await createCore({
    dataDir: app.getPath('userData'),
    cipher: new SafeStorageCipher(),
    host: 'electron',
    version: app.getVersion(),
    // OS notifications for in-app ones (e.g. an integration was disconnected); a click brings the window forward.
    nativeNotifications: createNativeNotificationPort({
      onClick: () => {
        if (!mainWindow) return;
        if (mainWindow.isMinimized()) mainWindow.restore();
        mainWindow.show();
        mainWindow.focus();
      },
    }),
    // Only the configured consent pages open in the system browser (DESIGN.md §7).
    openExternal: async (url) => {
      const allowed = (await c.accounts.providers.list()).map((p) => p.endpoints.authUrl);
      if (!isAllowedExternalUrl(url, allowed)) {
        throw new AppError('FORBIDDEN', 'Junction opens only the sign-in pages of the providers it is set up for.');
      }
      await shell.openExternal(url);
    },
  });
  core = c;
  bindIpc(c);
  mainWindow = createWindow();
  // The result reaches the window as integration:changed (and, on failure, as a log entry the user sees).
  deepLinks.setHandler((link) => {
    // Failures are logged (and so shown) by completeFromDesktop.
    c.accounts.oauth.completeFromDesktop(link.url).catch(() => undefined);
  });
  const first = deepLinkFromArgv(process.argv);
  if (first) deepLinks.push(first.url);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // macOS delivers deep links as open-url; Windows and Linux start a second instance with it in argv.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    deepLinks.push(url);
  });
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link) deepLinks.push(link.url);
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every web contents, present and future: no navigation away, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url));
  });

  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Dispose the core before exiting: the scheduler, database and timers must not be cut off mid-write.
  app.on('will-quit', (event) => {
    if (disposed || !core) return;
    event.preventDefault();
    disposed = true;
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
    unsubscribePushes?.();
    const c = core;
    core = null;
    c.dispose()
      .catch(() => undefined)
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      dialog.showErrorBox('Junction could not start', message);
      app.exit(1);
    });
}
