// Shared pieces of the CalDAV tests: the connect deps from a real core, a DB snapshot, throwaway HTTP servers.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { sql, type Kysely } from 'kysely';
import { AccountsRepo } from '../../../main/db/repos/accounts';
import { OrganizersRepo } from '../../../main/db/repos/organizers';
import type { Database } from '../../../main/db/schema';
import type { CalDavConnectDeps } from '../../../main/providers/calendar/caldav/connect';
import type { PushEvents, PushName } from '../../../shared/ipc/push';
import type { TestCore } from '../../support/core';

export async function connectDeps(t: TestCore, extra: Partial<CalDavConnectDeps> = {}): Promise<CalDavConnectDeps> {
  const organizer = await new OrganizersRepo(t.core.db).getDefault();
  if (!organizer) throw new Error('the core has no default organizer');
  return {
    db: t.core.db,
    accounts: new AccountsRepo(t.core.db),
    vault: t.core.vault,
    clock: t.core.clock,
    logs: t.core.services.logs,
    pushes: t.core.pushes,
    organizerId: organizer.id,
    ...extra,
  };
}

export type Pushed = { [P in PushName]: { name: P; payload: PushEvents[P] } }[PushName];
export function recordPushes(t: TestCore): Pushed[] {
  const seen: Pushed[] = [];
  t.core.pushes.subscribe((name, payload) => seen.push({ name, payload } as Pushed));
  return seen;
}

/** Every row of every table: equal snapshots mean nothing in the database changed. */
export async function snapshot(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables.rows) out[name] = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
  return out;
}

export interface TestHttpServer {
  url: string;
  port: number;
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A plain HTTP server on 127.0.0.1:0 answering with `handler`. */
export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestHttpServer> {
  const requests: TestHttpServer['requests'] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that accepts connections and never answers (a hung server). */
export async function startSilent(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (bound by the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The forms a secret could leak in: raw, base64, hex, and inside a Basic header. */
export function leakForms(username: string, password: string): string[] {
  const raw = Buffer.from(password, 'utf8');
  return [
    password,
    raw.toString('base64'),
    raw.toString('base64url'),
    raw.toString('hex'),
    raw.toString('hex').toUpperCase(),
    Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
  ];
}
