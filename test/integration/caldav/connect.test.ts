// caldav:connect against a real Radicale: discovery, storage, logs, pushes and every failure a person can meet.
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../main/core';
import { IntegrationsRepo } from '../../../main/db/repos/integrations';
import { connectCalDav, connectCalDavDetailed } from '../../../main/providers/calendar/caldav/connect';
import { AUTH_FAILED_MESSAGE } from '../../../main/providers/calendar/caldav/discover';
import type { CalendarIntegrationView, LogEntry, Page } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { call, makeCore, type TestCore } from '../../support/core';
import { startRadicale, type RadicaleServer } from '../../support/radicale';
import {
  closedPort,
  connectDeps,
  leakForms,
  recordPushes,
  snapshot,
  startHttp,
  startSilent,
  type Pushed,
} from './support';

// Distinctive passwords (with non-ASCII, sent as UTF-8 Basic credentials) so a leak is unmistakable.
const mark = (who: string) => `${who.toUpperCase()}-PW-${randomBytes(8).toString('hex')}-Ωé`;
const USERS = {
  alice: { username: 'alice@example.com', password: mark('alice') }, // one calendar
  carol: { username: 'carol', password: mark('carol') }, // a task list first, then three calendars
  bob: { username: 'bob', password: mark('bob') }, // nothing at all
  dave: { username: 'dave', password: mark('dave') }, // only a task list
  erin: { username: 'erin', password: mark('erin') }, // reconnect
};
const WRONG = mark('wrong');

async function expectAppError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected an AppError, but it resolved');
}

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

describe('caldav:connect against a real Radicale', () => {
  let rad: RadicaleServer;
  const calendars: Record<string, string[]> = {};
  let tasksOfCarol: string;

  beforeAll(async () => {
    rad = await startRadicale({ users: Object.values(USERS) });
    console.info(`[measured] Radicale start-up: ${rad.startupMs.toFixed(0)} ms`);
    const { alice, carol, dave, erin } = USERS;
    calendars.alice = [await rad.createCalendar(alice.username, alice.password, 'Personal')];
    // Radicale lists collections by name: the task list comes first, so calendarId must skip it.
    tasksOfCarol = await rad.createCalendar(carol.username, carol.password, 'A tasks', { components: ['VTODO'] });
    calendars.carol = [
      await rad.createCalendar(carol.username, carol.password, 'Work'),
      await rad.createCalendar(carol.username, carol.password, 'Home'),
      await rad.createCalendar(carol.username, carol.password, 'Clients'),
    ];
    await rad.createCalendar(dave.username, dave.password, 'Chores', { components: ['VTODO'] });
    calendars.erin = [await rad.createCalendar(erin.username, erin.password, 'Main')];
  });
  afterAll(async () => {
    await rad?.stop();
  });

  let t: TestCore;
  let pushes: Pushed[];
  beforeEach(async () => {
    t = await makeCore();
    pushes = recordPushes(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('connects an account with one calendar: stored, logged, pushed, listed by calendar:list', async () => {
    const { alice } = USERS;
    const started = performance.now();
    const view = await connectCalDav(await connectDeps(t), { serverUrl: rad.url, ...alice });
    console.info(`[measured] connect, 1 calendar: ${ms(started)}`);

    expect(view).toMatchObject({
      provider: 'apple',
      providerEmail: alice.username,
      calendarId: calendars.alice![0],
      serverUrl: rad.url,
      status: 'connected',
      statusReason: null,
      isActive: true,
      syncErrors: 0,
      tokenExpiresAt: null,
    });
    const listed = await call<CalendarIntegrationView[]>(t.core, 'calendar:list');
    expect(listed).toEqual([view]);

    const row = (await new IntegrationsRepo(t.core.db).getCalendar(view.id))!;
    expect(row.username).toBe(alice.username);
    expect(row.provider_user_id).toBe(`${rad.url}${encodeURIComponent(alice.username)}/`);
    expect(row.password).toMatch(/^v1:/);
    expect(t.core.vault.open(row.password!)).toBe(alice.password);

    const logs = await call<Page<LogEntry>>(t.core, 'logs:list', {});
    expect(logs.items).toHaveLength(1);
    expect(logs.items[0]).toMatchObject({
      logType: 'calendar_sync',
      integrationType: 'calendar',
      integrationId: view.id,
      success: true,
      message: `Connected CalDAV calendar account ${alice.username} at 127.0.0.1:${rad.port}: 1 calendar found`,
    });
    expect(pushes.filter((p) => p.name === 'integration:changed').map((p) => p.payload)).toEqual([
      { integrationType: 'calendar', id: view.id, provider: 'apple', change: 'created' },
    ]);
  });

  it('connects an account with several calendars and picks the first one that holds events', async () => {
    const { carol } = USERS;
    const started = performance.now();
    const r = await connectCalDavDetailed(await connectDeps(t), { serverUrl: rad.url, ...carol });
    console.info(`[measured] connect, 3 calendars + 1 task list: ${ms(started)}`);

    expect(r.created).toBe(true);
    expect(r.discovery.calendars.map((c) => c.url).sort()).toEqual([...calendars.carol!].sort());
    expect(r.discovery.calendars.map((c) => c.displayName).sort()).toEqual(['Clients', 'Home', 'Work']);
    expect(r.discovery.otherCollections).toBe(1);
    expect(r.view.calendarId).toBe(r.discovery.calendars[0]!.url);
    expect(r.view.calendarId).not.toBe(tasksOfCarol);
    expect(calendars.carol).toContain(r.view.calendarId);

    const logs = await call<Page<LogEntry>>(t.core, 'logs:list', {});
    expect(logs.items[0]!.message).toBe(`Connected CalDAV calendar account carol at 127.0.0.1:${rad.port}: 3 calendars found`);
    expect(await call<CalendarIntegrationView[]>(t.core, 'calendar:list')).toEqual([r.view]);
  });

  it('reconnecting updates the integration in place (same id), even after it was disconnected', async () => {
    const { erin } = USERS;
    const deps = await connectDeps(t);
    const first = await connectCalDav(deps, { serverUrl: rad.url, ...erin });
    await deps.accounts.markDisconnected({ kind: 'calendar', id: first.id }, 'The server refused the password.', t.clock.now());
    calendars.erin!.push(await rad.createCalendar(erin.username, erin.password, 'Side'));
    t.clock.advance(60_000);

    const again = await connectCalDav(deps, { serverUrl: rad.url.replace(/\/$/, ''), ...erin });
    expect(again.id).toBe(first.id);
    expect(again.createdAt).toBe(first.createdAt);
    expect(again).toMatchObject({ status: 'connected', statusReason: null, isActive: true });
    expect(await call<CalendarIntegrationView[]>(t.core, 'calendar:list')).toHaveLength(1);

    const logs = await call<Page<LogEntry>>(t.core, 'logs:list', {});
    expect(logs.items.map((l) => l.message)).toContain(
      `Connected CalDAV calendar account erin at 127.0.0.1:${rad.port}: 2 calendars found`,
    );
    expect(pushes.filter((p) => p.name === 'integration:changed').map((p) => p.payload.change)).toEqual([
      'created',
      'updated',
    ]);
  });

  it('a wrong password is AUTH_FAILED and changes nothing, not even an existing connection', async () => {
    const { alice } = USERS;
    const deps = await connectDeps(t);
    const started = performance.now();
    let err = await expectAppError(connectCalDav(deps, { serverUrl: rad.url, username: alice.username, password: WRONG }));
    console.info(`[measured] wrong password rejected: ${ms(started)}`);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toBe(AUTH_FAILED_MESSAGE);
    expect(await call(t.core, 'calendar:list')).toEqual([]);
    expect((await call<Page<LogEntry>>(t.core, 'logs:list', {})).items).toEqual([]);
    expect(pushes).toEqual([]);

    // With a connection in place, a failed reconnect leaves it (and its sealed password) exactly as it was.
    await connectCalDav(deps, { serverUrl: rad.url, ...alice });
    pushes.length = 0;
    const before = await snapshot(t.core.db);
    err = await expectAppError(connectCalDav(deps, { serverUrl: rad.url, username: alice.username, password: WRONG }));
    expect(err.code).toBe('AUTH_FAILED');
    err = await expectAppError(connectCalDav(deps, { serverUrl: rad.url, username: 'nobody', password: WRONG }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(await snapshot(t.core.db)).toEqual(before);
    expect(pushes).toEqual([]);
  });

  it('an account without calendars (or with only task lists) is NOT_FOUND and changes nothing', async () => {
    const deps = await connectDeps(t);
    const before = await snapshot(t.core.db);
    for (const who of ['bob', 'dave'] as const) {
      const u = USERS[who];
      const err = await expectAppError(connectCalDav(deps, { serverUrl: rad.url, ...u }));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toBe(
        `The account ${u.username} at 127.0.0.1:${rad.port} has no calendars Junction can use. Create a calendar for events there, then connect again.`,
      );
    }
    expect(await snapshot(t.core.db)).toEqual(before);
    expect(pushes).toEqual([]);
  });

  it('an unreachable server is PROVIDER_UNAVAILABLE naming the host', async () => {
    const port = await closedPort();
    const deps = await connectDeps(t);
    const before = await snapshot(t.core.db);
    const started = performance.now();
    const err = await expectAppError(connectCalDav(deps, { serverUrl: `http://127.0.0.1:${port}/`, ...USERS.alice }));
    console.info(`[measured] refused connection reported: ${ms(started)}`);
    expect(err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(err.message).toMatch(new RegExp(`^Junction could not reach 127\\.0\\.0\\.1:${port}: nothing answered at that address\\.`));
    expect(err.details).toMatchObject({ reason: 'unreachable', code: 'ECONNREFUSED' });

    const dns = await expectAppError(connectCalDav(deps, { serverUrl: 'https://caldav.junction-test.invalid/', ...USERS.alice }));
    expect(dns.code).toBe('PROVIDER_UNAVAILABLE');
    expect(dns.message).toMatch(/^Junction could not reach caldav\.junction-test\.invalid: no server by that name was found\./);
    // https:// to a server that speaks plain http.
    const tls = await expectAppError(connectCalDav(deps, { serverUrl: rad.url.replace('http:', 'https:'), ...USERS.alice }));
    expect(tls.code).toBe('PROVIDER_UNAVAILABLE');
    expect(tls.message).toMatch(new RegExp(`^Junction could not make a secure connection to 127\\.0\\.0\\.1:${rad.port} \\(ERR_SSL_`));
    expect(await snapshot(t.core.db)).toEqual(before);
  });

  it('a server that never answers times out once (not once per discovery step)', async () => {
    const silent = await startSilent();
    try {
      const deps = await connectDeps(t, { fetchTimeoutMs: 150 });
      const started = performance.now();
      const err = await expectAppError(connectCalDav(deps, { serverUrl: silent.url, ...USERS.alice }));
      const took = performance.now() - started;
      console.info(`[measured] hung server with a 150 ms timeout reported after ${took.toFixed(0)} ms`);
      expect(err.code).toBe('PROVIDER_UNAVAILABLE');
      expect(err.message).toMatch(/^Junction could not reach 127\.0\.0\.1:\d+: it did not answer within 1 second\./);
      expect(took).toBeLessThan(2 * 150 + 1000);
    } finally {
      await silent.close();
    }
  });

  it('a web server that is not CalDAV gets a clear PROVIDER_UNAVAILABLE, whatever it answers', async () => {
    const deps = await connectDeps(t);
    const before = await snapshot(t.core.db);
    const answers: Array<[string, (res: import('node:http').ServerResponse) => void]> = [
      ['404 HTML', (res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>')],
      ['200 HTML for everything', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>')],
      ['405 to PROPFIND', (res) => res.writeHead(405, { allow: 'GET, HEAD' }).end()],
      ['WebDAV without CalDAV', (res) =>
        res
          .writeHead(207, { 'content-type': 'application/xml; charset=utf-8' })
          .end('<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>')],
    ];
    for (const [name, answer] of answers) {
      const web = await startHttp((_req, res) => answer(res));
      try {
        const err = await expectAppError(connectCalDav(deps, { serverUrl: web.url, ...USERS.alice }));
        expect({ name, code: err.code }).toEqual({ name, code: 'PROVIDER_UNAVAILABLE' });
        expect(err.message).toBe(
          `127.0.0.1:${web.port} does not look like a CalDAV server: it did not answer Junction's calendar discovery. Check the server address (for iCloud it is https://caldav.icloud.com).`,
        );
      } finally {
        await web.close();
      }
    }
    const broken = await startHttp((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('down'));
    try {
      const err = await expectAppError(connectCalDav(deps, { serverUrl: broken.url, ...USERS.alice }));
      expect(err.code).toBe('PROVIDER_UNAVAILABLE');
      expect(err.message).toBe(`127.0.0.1:${broken.port} answered with a server error (HTTP 503). Try again later.`);
    } finally {
      await broken.close();
    }
    expect(await snapshot(t.core.db)).toEqual(before);
    expect(pushes).toEqual([]);
  });

  it('follows /.well-known/caldav to another address, and explains a redirect that drops the credentials', async () => {
    const deps = await connectDeps(t);
    // RFC 6764: the well-known URI points at the real service; tsdav sends the credentials there itself.
    const front = await startHttp((req, res) => {
      if (req.url === '/.well-known/caldav') res.writeHead(301, { location: `${rad.url}` }).end();
      else res.writeHead(404).end();
    });
    try {
      const view = await connectCalDav(deps, { serverUrl: front.url, ...USERS.alice });
      expect(view.calendarId).toBe(calendars.alice![0]);
    } finally {
      await front.close();
    }
    // A server that redirects ordinary requests elsewhere: fetch drops Authorization across origins, so the
    // 401 that follows is not about the password.
    const mover = await startHttp((req, res) => {
      if (req.url?.startsWith('/.well-known/')) res.writeHead(404).end();
      else res.writeHead(301, { location: `${rad.url.replace(/\/$/, '')}${req.url}` }).end();
    });
    try {
      const err = await expectAppError(connectCalDav(deps, { serverUrl: mover.url, ...USERS.alice }));
      expect(err.code).toBe('VALIDATION');
      expect(err.message).toBe(
        `127.0.0.1:${mover.port} sends Junction on to http://127.0.0.1:${rad.port}. Enter http://127.0.0.1:${rad.port} as the server address.`,
      );
    } finally {
      await mover.close();
    }
  });

  it('refuses addresses carrying credentials and usernames with ":" before any request', async () => {
    const deps = await connectDeps(t);
    const web = await startHttp((_req, res) => res.writeHead(500).end());
    try {
      const withCreds = web.url.replace('http://', `http://alice:${encodeURIComponent(USERS.alice.password)}@`);
      const e1 = await expectAppError(connectCalDav(deps, { serverUrl: withCreds, ...USERS.alice }));
      expect(e1.code).toBe('VALIDATION');
      expect(e1.message).not.toContain(USERS.alice.password);
      const e2 = await expectAppError(connectCalDav(deps, { serverUrl: web.url, username: 'a:b', password: 'x' }));
      expect(e2.code).toBe('VALIDATION');
      expect(web.requests).toEqual([]);
    } finally {
      await web.close();
    }
  });

  it('the password never appears in the database files, logs, pushes, return values or errors', async () => {
    const { alice, carol } = USERS;
    const deps = await connectDeps(t);
    const outputs: unknown[] = [];
    outputs.push(await connectCalDavDetailed(deps, { serverUrl: rad.url, ...alice }));
    outputs.push(await connectCalDavDetailed(deps, { serverUrl: rad.url, ...alice })); // reconnect
    outputs.push(await connectCalDavDetailed(deps, { serverUrl: rad.url, ...carol })); // replaces (one per organizer)
    const refusedPort = await closedPort();
    const failures = [
      () => connectCalDav(deps, { serverUrl: rad.url, username: alice.username, password: WRONG }),
      () => connectCalDav(deps, { serverUrl: `http://127.0.0.1:${refusedPort}/`, username: alice.username, password: WRONG }),
      () => connectCalDav(deps, { serverUrl: rad.url, ...USERS.bob }),
    ];
    for (const f of failures) {
      const err = await expectAppError(f());
      outputs.push({ message: err.message, details: err.details, stack: err.stack, body: err.toBody() });
    }
    outputs.push(await call(t.core, 'calendar:list'));
    outputs.push(await call(t.core, 'logs:list', {}));
    outputs.push(await snapshot(t.core.db)); // every row of every table, as text
    outputs.push(pushes);

    const secrets = [alice, carol, USERS.bob].flatMap((u) => leakForms(u.username, u.password)).concat(leakForms(alice.username, WRONG));
    const text = JSON.stringify(outputs);
    for (const s of secrets) expect(text.includes(s), `found ${s} in outputs`).toBe(false);

    // The stored password is only ever ciphertext: it opens to the secret, and the files hold no plain form.
    const row = (await new IntegrationsRepo(t.core.db).listCalendars(deps.organizerId))[0]!;
    expect(t.core.vault.open(row.password!)).toBe(carol.password);
    const dbFiles = ['', '-wal', '-shm'].map((suffix) => join(t.dataDir, DATABASE_FILE + suffix)).filter(existsSync);
    expect(dbFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of dbFiles) {
      const bytes = readFileSync(file);
      for (const s of secrets) expect(bytes.includes(Buffer.from(s, 'utf8')), `found ${s} in ${file}`).toBe(false);
    }
  });

  it("tsdav's debug logging, even when switched on, prints no password or Authorization header", async () => {
    // tsdav logs through the `debug` package, silent unless DEBUG names it; switch it on and capture it.
    const debug = createRequire(import.meta.url)('debug') as {
      enable(ns: string): void;
      disable(): string;
      log: (...args: unknown[]) => void;
    };
    const original = debug.log;
    const lines: string[] = [];
    debug.log = (...args: unknown[]) => lines.push(format(...args));
    const previous = debug.disable();
    debug.enable('tsdav:*');
    try {
      const deps = await connectDeps(t);
      await connectCalDav(deps, { serverUrl: rad.url, ...USERS.alice });
      await expectAppError(connectCalDav(deps, { serverUrl: rad.url, username: USERS.alice.username, password: WRONG }));
      await expectAppError(connectCalDav(deps, { serverUrl: `http://127.0.0.1:${await closedPort()}/`, ...USERS.alice }));
    } finally {
      debug.disable();
      if (previous) debug.enable(previous);
      debug.log = original;
    }
    expect(lines.join('\n')).toMatch(/tsdav:account/); // it did log
    const text = lines.join('\n');
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain('Basic ');
    for (const s of [...leakForms(USERS.alice.username, USERS.alice.password), ...leakForms(USERS.alice.username, WRONG)]) {
      expect(text.includes(s), `found ${s} in debug output`).toBe(false);
    }
  });
});

describe('caldav:connect through the IPC router', () => {
  it('refuses plain http to another host before any request, and connects a loopback Radicale', async () => {
    const { makeCore } = await import('../../support/core');
    const { startRadicale } = await import('../../support/radicale');
    const t = await makeCore();
    const server = await startRadicale({ users: [{ username: 'router-user', password: 'router-pass-1' }] });
    try {
      await server.createCalendar('router-user', 'router-pass-1', 'Work');
      const refused = await t.core.router.invoke('caldav:connect', {
        serverUrl: 'http://caldav.example.com/',
        username: 'router-user',
        password: 'router-pass-1',
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      const ok = await t.core.router.invoke('caldav:connect', {
        serverUrl: server.url,
        username: 'router-user',
        password: 'router-pass-1',
      });
      expect(ok).toMatchObject({ ok: true, data: { provider: 'apple', providerEmail: 'router-user', status: 'connected' } });
      const list = await t.core.router.invoke('calendar:list', {});
      expect(list.ok && (list.data as unknown[]).length).toBe(1);
    } finally {
      await server.stop();
      await t.close();
    }
  });
});
