// The CalDAV CalendarAdapter (RFC 4791, RFC 6578) over tsdav's request functions with the engine's fetch.
//
// External ids: `${href}#${instanceKey}` where href is the object's path on the server and instanceKey is
// `${UID}` or `${UID}::${recurrence-id in UTC}` (see ical.ts). A CalDAV change names an object (href), not an
// instance, and the adapter keeps no state, so for every changed or deleted href a page carries the id
// `${href}#*` in `deleted`: "every instance of this href". The caller applies those prefix deletions BEFORE the
// page's upserts, which then re-add the instances the object still produces inside the window.
//
// Cursor: JSON, `{"v":1,"m":"sync","t":<DAV:sync-token>,"tz":<calendar zone|null>}` when the collection
// supports sync-collection, else `{"v":1,"m":"ctag","c":<getctag>,"e":{href:etag},"tz":…}`. The calendar's zone
// rides in the cursor so that an incremental sync needs no extra request to read floating times.
import { davRequest, propfind, syncCollection, type DAVResponse } from 'tsdav';
import { fetchCalendars } from 'tsdav';
import type {
  BookingEvent,
  CalendarAdapter,
  CalendarInfo,
  FetchLike,
  SyncPage,
  SyncWindow,
  SyncedEvent,
} from '../../types';
import { buildBookingIcs, expandCalendarObject, zoneFromCalendarTimezone } from './ical';

export interface CalDavAdapterDeps {
  /** Adds Basic auth (and goes through the shared HTTP layer); must return 4xx answers, not throw on them. */
  fetch: FetchLike;
  serverUrl: string;
  principalUrl?: string;
  homeUrl?: string;
  /** 'ctag' forces the getctag + etag fallback (servers without a working sync-collection; tests). */
  syncMethod?: 'auto' | 'ctag';
  /** hrefs per calendar-multiget (one page each); default 100. */
  multigetBatchSize?: number;
  /** Clock for DTSTAMP. */
  now?: () => number;
}

export class CalDavError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CalDavError';
  }
}

type Cursor =
  | { v: 1; m: 'sync'; t: string; tz: string | null }
  | { v: 1; m: 'ctag'; c: string; e: Record<string, string>; tz: string | null };

const ALL_INSTANCES = '*';
export const allInstancesId = (href: string) => `${href}#${ALL_INSTANCES}`;

function parseCursor(cursor: string): Cursor | null {
  try {
    const c = JSON.parse(cursor) as Partial<Cursor>;
    if (c.v !== 1) return null;
    if (c.m === 'sync' && typeof c.t === 'string') return c as Cursor;
    if (c.m === 'ctag' && typeof c.c === 'string' && c.e && typeof c.e === 'object') return c as Cursor;
    return null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  const o = v as { _cdata?: unknown; _text?: unknown };
  if (typeof o._cdata === 'string') return o._cdata;
  if (typeof o._text === 'string' || typeof o._text === 'number') return String(o._text);
  return null;
};

/** An invalid or expired sync token (RFC 6578 §3.2: 403/409 with DAV:valid-sync-token). */
const isInvalidToken = (r: DAVResponse) =>
  (r.status === 403 || r.status === 409 || r.status === 400) &&
  /valid-sync-token|validSyncToken/i.test(typeof r.raw === 'string' ? r.raw : JSON.stringify(r.raw ?? r.error ?? ''));

export function createCalDavCalendarAdapter(deps: CalDavAdapterDeps): CalendarAdapter {
  // tsdav types its fetch as the DOM one; FetchLike is the same call shape.
  const fetch = deps.fetch as typeof globalThis.fetch;
  const batchSize = deps.multigetBatchSize ?? 100;
  const now = deps.now ?? Date.now;

  /** The object's path, the form every href takes in our ids (servers answer with paths or full URLs). */
  const pathOf = (href: string, base: string) => new URL(href, base).pathname;
  const isMember = (path: string, calendarUrl: string) => path !== new URL(calendarUrl).pathname && !path.endsWith('/');

  /** tsdav turns a non-207 answer into one response without a multistatus (its href is the request URL). */
  const topLevelError = (res: DAVResponse[]): DAVResponse | null => {
    const [r] = res;
    if (res.length !== 1 || !r || r.ok) return null;
    const raw = r.raw as { multistatus?: unknown } | string | undefined;
    return typeof raw === 'object' && raw?.multistatus ? null : r;
  };

  const fail = (what: string, r: DAVResponse): never => {
    throw new CalDavError(`CalDAV ${what} failed: ${r.status} ${r.statusText}`, r.status);
  };

  async function homeUrl(): Promise<string> {
    if (deps.homeUrl) return deps.homeUrl;
    let principal = deps.principalUrl;
    if (!principal) {
      const [r] = await propfind({ url: deps.serverUrl, props: { 'd:current-user-principal': {} }, depth: '0', fetch });
      const href = str((r?.props?.currentUserPrincipal as { href?: unknown } | undefined)?.href);
      if (!r?.ok || !href) fail('principal discovery', r ?? { status: 0, statusText: 'no answer', ok: false });
      principal = new URL(href!, deps.serverUrl).href;
    }
    const [r] = await propfind({ url: principal, props: { 'c:calendar-home-set': {} }, depth: '0', fetch });
    const href = str((r?.props?.calendarHomeSet as { href?: unknown } | undefined)?.href);
    if (!r?.ok || !href) fail('calendar-home-set', r ?? { status: 0, statusText: 'no answer', ok: false });
    return new URL(href!, principal).href;
  }

  async function listCalendars(): Promise<CalendarInfo[]> {
    const home = await homeUrl();
    const cals = await fetchCalendars({
      account: { accountType: 'caldav', serverUrl: deps.serverUrl, rootUrl: new URL('/', home).href, homeUrl: home },
      fetch,
    });
    return cals
      .filter((c) => !c.components?.length || c.components.includes('VEVENT'))
      .map((c, i) => ({
        id: c.url,
        name: str(c.displayName) ?? '',
        // CalDAV has no "primary" calendar: the first one in server order stands in for it.
        primary: i === 0,
        readOnly: false,
        timeZone: zoneFromCalendarTimezone(str(c.timezone)),
      }));
  }

  /** calendar-multiget (RFC 4791 §7.9); hrefs gone meanwhile come back 404 and count as deleted. */
  async function multiget(calendarUrl: string, hrefs: string[]) {
    const res = await davRequest({
      url: calendarUrl,
      init: {
        method: 'REPORT',
        namespace: 'c',
        headers: { depth: '1' },
        body: {
          'calendar-multiget': {
            _attributes: { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' },
            'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
            'd:href': hrefs,
          },
        },
      },
      fetch,
    });
    const found: { href: string; etag: string | null; data: string }[] = [];
    const top = topLevelError(res);
    if (top) fail('calendar-multiget', top);
    for (const r of res) {
      if (!r.href) {
        if (!r.ok) fail('calendar-multiget', r);
        continue;
      }
      const href = pathOf(r.href, calendarUrl);
      if (r.status === 404) continue;
      if (!r.ok) fail('calendar-multiget', r);
      const data = str(r.props?.calendarData);
      if (data) found.push({ href, etag: str(r.props?.getetag), data });
    }
    return found;
  }

  function toEvents(href: string, ics: string, window: SyncWindow, zone: string | null): SyncedEvent[] {
    return expandCalendarObject(ics, { window, calendarZone: zone }).map(({ instanceKey, ...rest }) => ({
      externalId: `${href}#${instanceKey}`,
      ...rest,
    }));
  }

  /** sync-collection from `token` ('' = initial), asking again from the returned token while truncated (507). */
  async function collectChanges(calendarUrl: string, token: string) {
    const changes = new Map<string, 'changed' | 'deleted'>();
    let current = token;
    for (let round = 0; ; round++) {
      const res = await syncCollection({
        url: calendarUrl,
        props: { 'd:getetag': {} },
        syncLevel: 1,
        syncToken: current,
        fetch,
      });
      const first = res[0];
      const top = topLevelError(res);
      if (top) {
        // Some servers send 403/409 without the precondition body; a real permission problem then fails the
        // full resync's PROPFIND, so this cannot loop.
        if (isInvalidToken(top) || (current !== '' && (top.status === 403 || top.status === 409))) return { invalid: true as const };
        fail('sync-collection', top);
      }
      let truncated = false;
      for (const r of res) {
        if (!r.href) continue;
        const path = pathOf(r.href, calendarUrl);
        if (!isMember(path, calendarUrl)) {
          if (r.status === 507) truncated = true;
          else if (!r.ok) fail('sync-collection', r);
          continue;
        }
        if (r.status === 404) changes.set(path, 'deleted');
        else if (r.ok) changes.set(path, 'changed');
        else if (r.status === 507) truncated = true;
      }
      const next = str((first?.raw as { multistatus?: { syncToken?: unknown } } | undefined)?.multistatus?.syncToken);
      if (!next) throw new CalDavError('CalDAV sync-collection answered without a sync-token', first?.status ?? 0);
      if (!truncated || next === current || round > 1000) return { invalid: false as const, changes, token: next };
      current = next;
    }
  }

  async function collectionProps(calendarUrl: string) {
    const [r] = await propfind({
      url: calendarUrl,
      props: { 'cs:getctag': {}, 'd:sync-token': {}, 'd:supported-report-set': {}, 'c:calendar-timezone': {} },
      depth: '0',
      fetch,
    });
    if (!r?.ok) fail('PROPFIND', r ?? { status: 0, statusText: 'no answer', ok: false });
    const reports = JSON.stringify(r!.props?.supportedReportSet ?? {});
    return {
      ctag: str(r!.props?.getctag),
      supportsSync: /syncCollection/.test(reports),
      zone: zoneFromCalendarTimezone(str(r!.props?.calendarTimezone)),
    };
  }

  async function listEtags(calendarUrl: string): Promise<Record<string, string>> {
    const res = await propfind({ url: calendarUrl, props: { 'd:getetag': {} }, depth: '1', fetch });
    const top = topLevelError(res);
    if (top) fail('PROPFIND', top);
    const out: Record<string, string> = {};
    for (const r of res) {
      if (!r.href) {
        if (!r.ok) fail('PROPFIND', r);
        continue;
      }
      const path = pathOf(r.href, calendarUrl);
      if (!isMember(path, calendarUrl)) continue;
      if (r.ok) out[path] = str(r.props?.getetag) ?? '';
    }
    return out;
  }

  /**
   * Fetches `changed` in batches and yields one page per batch. `deleted` go in the first page; every changed
   * href also gets its `#*` marker unless this is a reset (a reset page replaces everything anyway).
   */
  async function* pages(
    calendarUrl: string,
    changed: string[],
    deleted: string[],
    window: SyncWindow,
    zone: string | null,
    resetLocal: boolean,
    finish: (etags: Record<string, string>) => string,
  ): AsyncGenerator<SyncPage> {
    const etags: Record<string, string> = {};
    const batches: string[][] = [];
    for (let i = 0; i < changed.length; i += batchSize) batches.push(changed.slice(i, i + batchSize));
    if (batches.length === 0) batches.push([]);
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const found = batch.length ? await multiget(calendarUrl, batch) : [];
      const upserted: SyncedEvent[] = [];
      for (const o of found) {
        if (o.etag !== null) etags[o.href] = o.etag;
        upserted.push(...toEvents(o.href, o.data, window, zone));
      }
      const markers = resetLocal ? [] : batch.map(allInstancesId);
      const last = b === batches.length - 1;
      yield {
        upserted,
        deleted: b === 0 ? [...deleted.map(allInstancesId), ...markers] : markers,
        resetLocal: resetLocal && b === 0,
        nextCursor: last ? finish(etags) : null,
      };
    }
  }

  async function* fullSync(calendarUrl: string, window: SyncWindow): AsyncGenerator<SyncPage> {
    const props = await collectionProps(calendarUrl);
    if (props.supportsSync && deps.syncMethod !== 'ctag') {
      const r = await collectChanges(calendarUrl, '');
      if (r.invalid) throw new CalDavError('CalDAV server refused an initial sync-collection', 403);
      const hrefs = [...r.changes].filter(([, k]) => k === 'changed').map(([h]) => h);
      const cursor: Cursor = { v: 1, m: 'sync', t: r.token, tz: props.zone };
      yield* pages(calendarUrl, hrefs, [], window, props.zone, true, () => JSON.stringify(cursor));
      return;
    }
    // getctag read before the listing: a change racing the listing changes the ctag, so the next run re-lists.
    const listed = await listEtags(calendarUrl);
    const ctag = props.ctag ?? '';
    yield* pages(calendarUrl, Object.keys(listed), [], window, props.zone, true, (etags) =>
      JSON.stringify({ v: 1, m: 'ctag', c: ctag, e: { ...listed, ...etags }, tz: props.zone } satisfies Cursor),
    );
  }

  async function* pullChanges(calendarId: string, cursor: string | null, window: SyncWindow): AsyncGenerator<SyncPage> {
    const parsed = cursor === null ? null : parseCursor(cursor);
    if (!parsed) {
      yield* fullSync(calendarId, window);
      return;
    }
    if (parsed.m === 'sync') {
      const r = await collectChanges(calendarId, parsed.t);
      if (r.invalid) {
        yield* fullSync(calendarId, window);
        return;
      }
      const changed = [...r.changes].filter(([, k]) => k === 'changed').map(([h]) => h);
      const deleted = [...r.changes].filter(([, k]) => k === 'deleted').map(([h]) => h);
      const next: Cursor = { ...parsed, t: r.token };
      yield* pages(calendarId, changed, deleted, window, parsed.tz, false, () => JSON.stringify(next));
      return;
    }
    // ctag fallback: one PROPFIND when nothing changed.
    const [r] = await propfind({ url: calendarId, props: { 'cs:getctag': {} }, depth: '0', fetch });
    if (!r?.ok) fail('PROPFIND getctag', r ?? { status: 0, statusText: 'no answer', ok: false });
    const ctag = str(r!.props?.getctag) ?? '';
    if (ctag && ctag === parsed.c) {
      yield { upserted: [], deleted: [], resetLocal: false, nextCursor: cursor };
      return;
    }
    const listed = await listEtags(calendarId);
    const changed = Object.keys(listed).filter((h) => parsed.e[h] !== listed[h]);
    const deleted = Object.keys(parsed.e).filter((h) => !(h in listed));
    yield* pages(calendarId, changed, deleted, window, parsed.tz, false, (etags) =>
      JSON.stringify({ v: 1, m: 'ctag', c: ctag, e: { ...listed, ...etags }, tz: parsed.tz } satisfies Cursor),
    );
  }

  const objectUrl = (calendarId: string, bookingId: string) =>
    new URL(`${encodeURIComponent(bookingId)}.ics`, calendarId.endsWith('/') ? calendarId : `${calendarId}/`).href;

  async function put(url: string, body: string, headers: Record<string, string>) {
    return fetch(url, { method: 'PUT', headers: { 'content-type': 'text/calendar; charset=utf-8', ...headers }, body });
  }

  return {
    listCalendars,
    pullChanges,
    async createEvent(calendarId: string, event: BookingEvent) {
      const url = objectUrl(calendarId, event.bookingId);
      const res = await put(url, buildBookingIcs(event, now()), { 'if-none-match': '*' });
      await res.arrayBuffer();
      // 412: the object already exists, i.e. a retry of a create that went through.
      if (!res.ok && res.status !== 412) throw new CalDavError(`CalDAV PUT ${url} failed: ${res.status}`, res.status);
      return { externalId: new URL(url).pathname };
    },
    async updateEvent(calendarId: string, externalId: string, event: BookingEvent) {
      const url = new URL(externalId, calendarId).href;
      const res = await put(url, buildBookingIcs(event, now()), {});
      await res.arrayBuffer();
      if (!res.ok) throw new CalDavError(`CalDAV PUT ${url} failed: ${res.status}`, res.status);
    },
    async deleteEvent(calendarId: string, externalId: string) {
      const url = new URL(externalId, calendarId).href;
      const res = await fetch(url, { method: 'DELETE' });
      await res.arrayBuffer();
      if (res.status === 404 || res.status === 410) return 'missing';
      if (!res.ok) throw new CalDavError(`CalDAV DELETE ${url} failed: ${res.status}`, res.status);
      return 'deleted';
    },
  };
}
