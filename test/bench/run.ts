// npm run bench: prints figures, asserts nothing about time (DESIGN.md §4).
// Logs: keyset paging over many rows with each filter; IPC round trip through the router.
import { performance } from 'node:perf_hooks';
import { createCore } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import { tempDir } from '../support/temp';
import { syncBench } from './sync-bench';
import { webhookBench } from './webhook-bench';

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const t = tempDir('junction-bench-');
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const core = await createCore({ dataDir: t.dir, clock, startScheduler: false });
  const organizerId = (await core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;

  const types = ['calendar_sync', 'video_link_created', 'webhook_sent', 'error'] as const;
  const itypes = ['calendar', 'video', 'webhook'] as const;
  let t0 = performance.now();
  const batch = 2_000; // 9 columns × 2,000 rows stays under SQLite’s 32,766 bound parameters
  for (let i = 0; i < ROWS; i += batch) {
    const rows = [];
    for (let j = i; j < Math.min(ROWS, i + batch); j++) {
      rows.push({
        organizer_id: organizerId,
        log_type: types[j % 4]!,
        integration_type: itypes[j % 3]!,
        message: `Synced calendar ${j % 97} with ${j % 13} changes${j % 1000 === 0 ? ' needle' : ''}`,
        details: null,
        success: j % 4 === 3 ? 0 : 1,
        created_at: Date.UTC(2026, 0, 1) + j * 1000,
        booking_id: null,
        integration_id: null,
      });
    }
    await core.db.insertInto('integration_logs').values(rows).execute();
  }
  console.log(`seeded ${ROWS.toLocaleString()} log rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const cases: Record<string, Record<string, unknown>> = {
    'no filter': {},
    'logType=error': { logType: 'error' },
    'integrationType=video': { integrationType: 'video' },
    'success=false': { success: false },
    'time range (12 h)': { from: Date.UTC(2026, 0, 1, 6), to: Date.UTC(2026, 0, 1, 18) },
  };
  for (const [name, filter] of Object.entries(cases)) {
    const samples: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 300; i++) {
      t0 = performance.now();
      const r = await core.router.invoke('logs:list', { ...filter, limit: 100, ...(cursor ? { cursor } : {}) });
      samples.push(performance.now() - t0);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      cursor = (r.data as { nextCursor: string | null }).nextCursor;
    }
    console.log(
      `logs:list ${name.padEnd(24)} 100-row pages: p50 ${pct(samples, 50).toFixed(2)} ms, p99 ${pct(samples, 99).toFixed(2)} ms`,
    );
  }
  const search: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await core.router.invoke('logs:list', { q: 'needle', limit: 100 });
    search.push(performance.now() - t0);
  }
  console.log(`logs:list q="needle" (substring scan, first page): p50 ${pct(search, 50).toFixed(1)} ms — full-text index comes with the Logs issue`);

  const create: number[] = [];
  for (let i = 0; i < 2000; i++) {
    t0 = performance.now();
    await core.router.invoke('bookings:create', {
      title: `B${i}`,
      attendeeName: 'A',
      attendeeEmail: 'a@example.com',
      startUtc: Date.UTC(2026, 1, 1) + i * 3_600_000,
      endUtc: Date.UTC(2026, 1, 1) + i * 3_600_000 + 1_800_000,
      timeZone: 'Europe/Berlin',
    });
    create.push(performance.now() - t0);
  }
  console.log(`bookings:create via router: p50 ${pct(create, 50).toFixed(2)} ms, p99 ${pct(create, 99).toFixed(2)} ms`);

  await core.dispose();
  t.cleanup();
}

await main();
await syncBench();
await webhookBench();
