// One app per test file: a core in a temp data dir, the browser host over it, and Chromium.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core, type CoreConfig } from '../../main/core';
import { startBrowserHost, type BrowserHost } from '../../main/host/server';

export const CHROMIUM_PATH = process.env.JUNCTION_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const STATIC_DIR = resolve('dist/renderer');
export const SCREENSHOT_DIR = resolve('test-results/screenshots');
/** The organizer's zone in every e2e run, so times on screen are predictable whatever the machine's zone. */
export const ORGANIZER_ZONE = 'Europe/Berlin';

export interface Harness {
  core: Core;
  host: BrowserHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  dataDir: string;
  /** Console errors and uncaught page errors seen by `page` since the last `takeErrors()`. */
  takeErrors(): string[];
  /** Navigates within the app by path (the session cookie is already set). */
  goto(path: string, page?: Page): Promise<void>;
  /** Navigates client-side without a document load (for routes the host answers itself, and to test the router). */
  pushPath(path: string, page?: Page): Promise<void>;
  close(): Promise<void>;
}

export function assertPrerequisites(): void {
  if (!existsSync(join(STATIC_DIR, 'index.html'))) {
    throw new Error(`The renderer is not built (${STATIC_DIR}/index.html missing): run \`npx vite build\` or \`npm run test:e2e\`.`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium`);
  }
}

export interface HarnessOptions {
  colorScheme?: 'light' | 'dark';
  organizerZone?: string;
  /** Extra core configuration (e.g. the emulators' JUNCTION_* variables). */
  core?: Omit<Partial<CoreConfig>, 'dataDir'>;
  /** Runs once the host listens, before the browser opens (e.g. to register its callback with emulators). */
  onHost?: (host: BrowserHost) => void | Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  assertPrerequisites();
  const dataDir = await mkdtemp(join(tmpdir(), 'junction-e2e-'));
  const core = await createCore({ ...opts.core, dataDir, startScheduler: false });
  const settings = await core.router.invoke('settings:update', {
    organizerName: 'Ada Lovelace',
    organizerEmail: 'ada@example.com',
    timeZone: opts.organizerZone ?? ORGANIZER_ZONE,
  });
  if (!settings.ok) throw new Error(`settings:update failed: ${settings.error.message}`);
  const host = await startBrowserHost({ core, port: 0, staticDir: STATIC_DIR });
  await opts.onHost?.(host);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme: opts.colorScheme ?? 'light',
    locale: 'en-GB',
    timezoneId: 'America/New_York', // deliberately not the organizer's zone: the UI must use the setting
    reducedMotion: 'reduce',
  });
  // Fail fast: the app answers in milliseconds, so a 10 s wait already means something is wrong.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  let errors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  };
  watch(page);
  context.on('page', watch);

  // The first load carries the token; the host sets the cookie and redirects to a clean URL.
  await page.goto(host.openUrl);
  await page.waitForURL(`${host.url}/`);

  const goto = async (path: string, p: Page = page) => {
    await p.goto(`${host.url}${path}`);
  };
  const pushPath = async (path: string, p: Page = page) => {
    await p.evaluate(`window.history.pushState({}, '', ${JSON.stringify(path)}); window.dispatchEvent(new PopStateEvent('popstate'));`);
  };

  return {
    core,
    host,
    browser,
    context,
    page,
    dataDir,
    takeErrors: () => {
      const out = errors;
      errors = [];
      return out;
    },
    goto,
    pushPath,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await host.close();
      await core.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Calls a channel through the core's router (what the UI would see) and unwraps it. */
export async function invoke<T = unknown>(core: Core, channel: string, input: unknown): Promise<T> {
  const env = await core.router.invoke(channel, input);
  if (!env.ok) throw new Error(`${channel} failed: ${env.error.code} ${env.error.message}`);
  return env.data as T;
}

/** Resolves once the page's event stream (/events) has answered, so pushes sent after this reach it. */
export function eventStreamOpen(page: Page): Promise<unknown> {
  return page.waitForResponse((r) => new URL(r.url()).pathname === '/events' && r.status() === 200, { timeout: 15_000 });
}
