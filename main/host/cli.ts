// `npm run serve -- --data-dir <dir> [--port <n>] [--token <t>]`: the core behind the browser host.
// Prints `Junction listening on http://127.0.0.1:<port>` then `Open <url>/?token=…`. The full token URL is
// printed only when the token was generated here; a token passed in (--token / JUNCTION_TOKEN) is not echoed
// back, so it does not end up in logs. Exit codes: 0 after SIGINT/SIGTERM, 1 if start-up fails, 2 on bad args.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore, type Core, type CoreConfig } from '../core';
import { appDataDir } from './app-data-dir';
import { parseCliArgs, USAGE } from './cli-args';
import { type BrowserHost, startBrowserHost } from './server';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_STATIC_DIR = join(REPO_ROOT, 'dist', 'renderer');
const SHUTDOWN_LIMIT_MS = 10_000;

/** What another entry point (the sandbox) adds to a plain `npm run serve`. */
export interface ServeExtras {
  core?: Omit<Partial<CoreConfig>, 'dataDir'>;
  /** Runs once the host listens (e.g. to register its exact callback with simulated providers). */
  onListening?: (host: BrowserHost, core: Core) => Promise<void> | void;
  /** Called after the host and core are closed on SIGINT/SIGTERM. */
  onStopped?: () => Promise<void> | void;
}

export async function runServe(argv: string[], extras: ServeExtras = {}): Promise<void> {
  const parsed = parseCliArgs(argv, process.env);
  if (!parsed.ok) {
    process.stderr.write(`junction serve: ${parsed.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const opts = parsed.options;
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const dataDir = resolve(opts.dataDir ?? appDataDir({ platform: process.platform, env: process.env, home: homedir() }));
  const staticDir = DEFAULT_STATIC_DIR;

  let core: Core | null = null;
  let host: BrowserHost | null = null;
  try {
    core = await createCore({ ...extras.core, dataDir, host: 'browser' });
    host = await startBrowserHost({
      core,
      port: opts.port,
      ...(opts.token !== null ? { token: opts.token } : {}),
      staticDir,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${opts.port} is already in use on 127.0.0.1 (try --port 0)`
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`Junction could not start: ${why}\n`);
    await core?.dispose().catch(() => undefined);
    process.exit(1);
  }

  const open =
    opts.tokenSource === 'generated'
      ? host.openUrl
      : `${host.url}/?token=<the token from ${opts.tokenSource === 'flag' ? '--token' : 'JUNCTION_TOKEN'}>`;
  await extras.onListening?.(host, core);
  process.stdout.write(`Junction listening on ${host.url}\nOpen ${open}\n`);
  process.stderr.write(`Data folder: ${dataDir}\n`);
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`Note: the renderer is not built (no ${join(staticDir, 'index.html')}); run npm run build.\n`);
  }

  // npm, tsx and the terminal may each deliver the same Ctrl-C: repeats are ignored, and a shutdown that
  // hangs is cut off after SHUTDOWN_LIMIT_MS.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write('Junction did not shut down in time; exiting.\n');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    const h = host;
    const c = core;
    void (async () => {
      try {
        await h?.close();
        await c?.dispose();
        await extras.onStopped?.();
        process.exit(0);
      } catch (err) {
        process.stderr.write(`Junction did not shut down cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Run when started as `npm run serve` (not when imported by the sandbox).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runServe(process.argv.slice(2));
