// The Radicale harness itself: a real server on an OS-chosen port, calendars made with MKCALENDAR, and a
// stop() that leaves no process and no files behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processAlive, startRadicale } from '../../support/radicale';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

/** Pids of every process whose command line mentions `needle` (the server's temp folder). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

describe('Radicale harness', () => {
  it('starts on a free port, authenticates its users, makes calendars, and stop() leaves nothing behind', async () => {
    const server = await startRadicale({ users: [{ username: 'alice', password: 'alice-pw' }] });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      expect(server.port).toBeGreaterThan(0);
      expect(processAlive(server.pid)).toBe(true);
      expect(processesMentioning(server.dir)).toEqual([server.pid]);
      console.info(`[measured] Radicale start-up: ${server.startupMs.toFixed(0)} ms`);

      const wrong = await fetch(server.url, { method: 'PROPFIND', headers: { authorization: basic('alice', 'nope'), depth: '0' } });
      expect(wrong.status).toBe(401);

      const cal = await server.createCalendar('alice', 'alice-pw', 'Work & Life');
      expect(cal.startsWith(`${server.url}alice/work-life-`)).toBe(true);
      const res = await fetch(cal, {
        method: 'PROPFIND',
        headers: { authorization: basic('alice', 'alice-pw'), depth: '0', 'content-type': 'application/xml' },
        body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><displayname/><resourcetype/></prop></propfind>',
      });
      expect(res.status).toBe(207);
      const xml = await res.text();
      expect(xml).toContain('Work &amp; Life');
      expect(xml).toMatch(/<C:calendar\s*\/>/);
    } finally {
      await server.stop();
    }
    expect(processAlive(server.pid)).toBe(false);
    expect(processesMentioning(server.dir)).toEqual([]);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop(); // idempotent
  });

  it('runs servers side by side on different ports', async () => {
    const [a, b] = await Promise.all([
      startRadicale({ users: [{ username: 'a', password: 'a' }] }),
      startRadicale({ users: [{ username: 'b', password: 'b' }] }),
    ]);
    try {
      expect(a.port).not.toBe(b.port);
      // Users are per server.
      const cross = await fetch(a.url, { method: 'PROPFIND', headers: { authorization: basic('b', 'b'), depth: '0' } });
      expect(cross.status).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect([processAlive(a.pid), processAlive(b.pid)]).toEqual([false, false]);
  });
});
