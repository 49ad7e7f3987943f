// The Google Calendar emulator (and the Google OAuth emulator it is mounted on, as startGoogleCalendarEmulator builds
// them) on a worker thread of its own, for the sync benchmark: a real provider is another machine, so the emulator's
// request handling, JSON encoding and GC must not run on (and be billed to) the thread that syncs. The bench talks
// to it over loopback HTTP like to Google, and drives its control API through the small message protocol below.
//
// Protocol (parentPort): once listening, the worker posts `{ ready: EmulatorInfo }`. Then each `{ id, op, args }`
// request gets `{ id, result }` or `{ id, error }` back; `close` answers and then lets the thread end.
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { type GEvent, startGoogleCalendarEmulator } from '../emulators/google-calendar';
import { junctionEnvFor } from '../emulators/oauth';

/** What the bench needs to point Junction at the emulator. */
export interface EmulatorInfo {
  /** googleapis rootUrl (trailing slash). */
  apiRoot: string;
  /** JUNCTION_GOOGLE_* variables (client, OAuth endpoints, API root): junctionEnvFor({ google }). */
  env: Record<string, string>;
  clientId: string;
  /** The emulator's accounts' emails; the first one's primary calendar is the one synced. */
  accountEmails: string[];
  /** This thread's Linux thread id (from /proc/thread-self), so the bench can tell its CPU time apart; null elsewhere. */
  tid: number | null;
}

/** Control calls the bench makes (everything else is HTTP, as with Google). */
export interface EmulatorOps {
  addRedirectUri(clientId: string, uri: string): void;
  /** Provider-side writes; answers the number of events stored (not the events: no need to clone them back). */
  seed(calendarId: string, events: GEvent[]): number;
  /** The consent step (GET the authorize page, POST Allow); answers the redirect Location with the code. */
  authorize(authorizationUrl: string): Promise<string>;
  resetCounters(): void;
  counters(): Record<string, number>;
  close(): Promise<void>;
}

export type EmulatorRequest = { [K in keyof EmulatorOps]: { id: number; op: K; args: Parameters<EmulatorOps[K]> } }[keyof EmulatorOps];
export type EmulatorMessage = { ready: EmulatorInfo } | { id: number; result?: unknown; error?: string };

function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('google-emulator-worker runs as a worker thread');
  const cal = await startGoogleCalendarEmulator();
  const ops: EmulatorOps = {
    addRedirectUri: (clientId, uri) => cal.oauth.addRedirectUri(clientId, uri),
    seed: (calendarId, events) => cal.seed(calendarId, events).length,
    authorize: (url) => cal.oauth.authorize(url),
    resetCounters: () => cal.resetCounters(),
    counters: () => ({ ...cal.counters }),
    close: () => cal.close(),
  };
  port.on('message', (m: EmulatorRequest) => {
    void (async () => {
      try {
        const result: unknown = await (ops[m.op] as (...a: unknown[]) => unknown)(...m.args);
        port.postMessage({ id: m.id, result } satisfies EmulatorMessage);
        if (m.op === 'close') port.close();
      } catch (err) {
        port.postMessage({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies EmulatorMessage);
      }
    })();
  });
  const info: EmulatorInfo = {
    apiRoot: cal.apiRoot,
    env: junctionEnvFor({ google: cal.oauth }),
    clientId: cal.oauth.clients[0]!.clientId,
    accountEmails: cal.oauth.accounts.map((a) => a.email),
    tid: threadId(),
  };
  port.postMessage({ ready: info } satisfies EmulatorMessage);
}

await main();
