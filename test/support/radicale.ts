// A real Radicale CalDAV server for tests: temp storage, temp htpasswd, an OS-chosen port on 127.0.0.1.
// Radicale binds port 0 and logs the real port ("Listening on '[127.0.0.1]:PORT'"), then "Radicale server ready":
// we read both from its stderr, so there is no pick-a-free-port race and no polling.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp';

export const RADICALE_BIN = '/usr/bin/radicale';

export interface RadicaleUser {
  username: string;
  password: string;
}

export interface CreateCalendarOptions {
  /** iCalendar components the collection accepts (default VEVENT); ['VTODO'] makes a task list. */
  components?: string[];
}

export interface RadicaleServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  pid: number;
  /** Temp folder holding config, htpasswd and storage; removed by stop(). */
  dir: string;
  /** Milliseconds from spawn to "Radicale server ready". */
  startupMs: number;
  /** MKCALENDAR `<url><user>/<slug>/` as that user; resolves to the new calendar's URL. */
  createCalendar(username: string, password: string, name: string, options?: CreateCalendarOptions): Promise<string>;
  /** Radicale's stderr so far (for failure messages). */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp folder. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRadicaleOptions {
  users: RadicaleUser[];
  /** Bound on start-up (default 20 s). */
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
// A crashed test run must not leave servers behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function startRadicale(options: StartRadicaleOptions): Promise<RadicaleServer> {
  if (!existsSync(RADICALE_BIN)) {
    throw new Error(`${RADICALE_BIN} is missing: run test/setup/ensure-env.sh (apt-get install -y radicale apache2-utils).`);
  }
  for (const u of options.users) {
    if (/[:\n]/.test(u.username) || /\n/.test(u.password)) throw new Error(`unusable test user ${JSON.stringify(u.username)}`);
  }
  const tmp = tempDir('junction-radicale-');
  const htpasswd = join(tmp.dir, 'users');
  const config = join(tmp.dir, 'config');
  writeFileSync(htpasswd, options.users.map((u) => `${u.username}:${u.password}\n`).join(''), { mode: 0o600 });
  writeFileSync(
    config,
    [
      '[server]',
      'hosts = 127.0.0.1:0',
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${htpasswd}`,
      'htpasswd_encryption = plain',
      // Radicale sleeps ~1 s after a failed login by default; tests of wrong passwords need not wait.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(tmp.dir, 'storage')}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = info',
      '',
    ].join('\n'),
  );

  const started = performance.now();
  const child = spawn(RADICALE_BIN, ['--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  live.add(child);
  installExitHook();
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));

  const cleanupAfterFailure = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    tmp.cleanup();
  };

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const limit = options.startTimeoutMs ?? 20_000;
      let found: number | undefined;
      const timer = setTimeout(() => reject(new Error(`Radicale did not start within ${limit} ms:\n${out}`)), limit);
      const onData = (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const m = /Listening on '\[?127\.0\.0\.1\]?:(\d+)'/.exec(out);
        if (m) found = Number(m[1]);
        if (found && out.includes('Radicale server ready')) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr!.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Radicale exited during start-up (code ${code}, signal ${signal}):\n${out}`));
      });
    });
  } catch (err) {
    await cleanupAfterFailure();
    throw err;
  }
  const startupMs = performance.now() - started;
  const url = `http://127.0.0.1:${port}/`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid!,
    dir: tmp.dir,
    startupMs,
    output: () => out,
    async createCalendar(username, password, name, opts = {}) {
      const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'calendar'}-${randomUUID().slice(0, 8)}`;
      const target = `${url}${encodeURIComponent(username)}/${slug}/`;
      const comps = (opts.components ?? ['VEVENT']).map((c) => `<C:comp name="${xmlEscape(c)}"/>`).join('');
      const body =
        '<?xml version="1.0" encoding="utf-8"?>' +
        '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
        `<D:set><D:prop><D:displayname>${xmlEscape(name)}</D:displayname>` +
        `<C:supported-calendar-component-set>${comps}</C:supported-calendar-component-set>` +
        '</D:prop></D:set></C:mkcalendar>';
      const res = await fetch(target, {
        method: 'MKCALENDAR',
        headers: { authorization: basic(username, password), 'content-type': 'application/xml; charset=utf-8' },
        body,
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`MKCALENDAR ${target} answered ${res.status}: ${text.slice(0, 300)}`);
      return target;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killTimer);
        }
        tmp.cleanup();
      })();
      return stopping;
    },
  };
}

/** True while a process with this pid exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers signal 0; /proc says 'Z' in its state field.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
