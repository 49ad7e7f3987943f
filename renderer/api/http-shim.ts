// window.junction for the browser host: invoke over `POST /ipc/<channel>`, pushes over one shared EventSource
// on `/events`. The session cookie (HttpOnly, set by the host) authenticates both. Imports only shared/.
import type { Envelope } from '../../shared/errors';
import type { JunctionApi } from '../../shared/ipc/api';
import type { PushName } from '../../shared/ipc/push';

const UNREACHABLE =
  'Junction is not reachable. Is the Junction server (npm run serve / npm start) still running? Then reload the page.';

function isEnvelope(v: unknown): v is Envelope<unknown> {
  if (typeof v !== 'object' || v === null || !('ok' in v)) return false;
  const o = v as { ok: unknown; error?: unknown };
  if (o.ok === true) return 'data' in o;
  if (o.ok !== false || typeof o.error !== 'object' || o.error === null) return false;
  const e = o.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

type Listener = (payload: unknown) => void;

export interface HttpApiOptions {
  /** Defaults to the page's origin; tests may point it elsewhere. */
  baseUrl?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function createHttpApi(options: HttpApiOptions = {}): JunctionApi {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const ES = options.EventSource ?? (typeof EventSource === 'undefined' ? undefined : EventSource);

  const listeners = new Map<string, Set<Listener>>();
  const attached = new Set<string>();
  let source: EventSource | null = null;

  function ensureSource(): EventSource | null {
    if (source || !ES) return source;
    // Reconnects on its own after a drop; the cookie goes with it (same origin).
    source = new ES(`${base}/events`, { withCredentials: false });
    attached.clear();
    return source;
  }

  function attach(name: string): void {
    const es = ensureSource();
    if (!es || attached.has(name)) return;
    attached.add(name);
    es.addEventListener(name, (ev) => {
      const data = (ev as { data?: unknown }).data;
      let payload: unknown;
      try {
        payload = JSON.parse(typeof data === 'string' ? data : '');
      } catch {
        return; // a malformed event is dropped rather than delivered half-parsed
      }
      for (const l of [...(listeners.get(name) ?? [])]) {
        try {
          l(payload);
        } catch (err) {
          console.error(`junction: a "${name}" listener failed`, err);
        }
      }
    });
  }

  function closeIfIdle(): void {
    for (const set of listeners.values()) if (set.size > 0) return;
    source?.close();
    source = null;
    attached.clear();
  }

  const api = {
    async invoke(channel: string, input: unknown): Promise<Envelope<unknown>> {
      let res: Response;
      try {
        res = await doFetch(`${base}/ipc/${encodeURIComponent(channel).replace(/%3A/gi, ':')}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'PROVIDER_UNAVAILABLE', message: UNREACHABLE } };
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        body = undefined;
      }
      if (isEnvelope(body)) return body;
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `Junction answered with an unexpected response (HTTP ${res.status}).` },
      };
    },
    on(name: PushName, listener: Listener): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      // Wrap so the same function subscribed twice unsubscribes independently.
      const entry: Listener = (p) => listener(p);
      set.add(entry);
      attach(name);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(entry);
        closeIfIdle();
      };
    },
  };
  return api as JunctionApi;
}

/** Installs the HTTP shim as window.junction, unless Electron's preload already exposed one. */
export function installApi(): JunctionApi {
  // globalThis is window in a page; written this way the file also type-checks without DOM typings (tests).
  const w = globalThis as unknown as { junction?: JunctionApi };
  if (w.junction === undefined) w.junction = createHttpApi();
  return w.junction;
}
