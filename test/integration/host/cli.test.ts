import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { json, raw } from './helpers';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const LISTENING = /^Junction listening on http:\/\/127\.0\.0\.1:(\d+)$/m;

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function serve(args: string[], env: Record<string, string> = {}) {
  // What `npx tsx` resolves to, minus npm: npm exec re-raises a SIGTERM on itself (exit 143) even when the
  // CLI shut down cleanly with 0, and the exit code under test is the CLI's.
  const child = spawn(process.execPath, [TSX, 'main/host/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, JUNCTION_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const output = () => ({ stdout, stderr });
  const waitForLine = (re: RegExp, ms = 20_000) =>
    new Promise<RegExpExecArray>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out; stdout=${stdout} stderr=${stderr}`)), ms);
      const check = () => {
        const m = re.exec(stdout);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          res(m);
        }
      };
      child.stdout.on('data', check);
      void exited.then(() => rej(new Error(`exited early; stdout=${stdout} stderr=${stderr}`)));
      check();
    });
  return { child, exited, output, waitForLine };
}

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'junction-cli-'));
  dirs.push(d);
  return d;
}

describe('npm run serve (main/host/cli.ts)', () => {
  it('prints the listening line, answers with the given token, exits 0 on SIGTERM', async () => {
    const s = serve(['--data-dir', tmp(), '--port', '0', '--token', 't']);
    const m = await s.waitForLine(LISTENING);
    const port = Number(m[1]);
    const r = await raw({ port, path: '/ipc/bookings:list', method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{}' });
    expect(json(r)).toEqual({ ok: true, data: { items: [], nextCursor: null } });
    expect((await raw({ port, path: '/' })).status).toBe(401);
    // A token passed in is not echoed back.
    expect(s.output().stdout).not.toContain('?token=t\n');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('generates a token when none is given and prints the URL to open', async () => {
    const s = serve(['--data-dir', tmp()]);
    const m = await s.waitForLine(/^Open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))$/m);
    const [, , port, token] = m;
    const r = await raw({ port: Number(port), path: `/?token=${token}` });
    expect(r.status).toBe(302);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('takes the token from JUNCTION_TOKEN', async () => {
    const s = serve(['--data-dir', tmp()], { JUNCTION_TOKEN: 'from-env' });
    const port = Number((await s.waitForLine(LISTENING))[1]);
    const r = await raw({ port, path: '/', headers: { authorization: 'Bearer from-env' } });
    expect(r.status).not.toBe(401);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('exits 2 with a clear message on bad arguments', async () => {
    const s = serve(['--port', 'banana']);
    expect(await s.exited).toBe(2);
    expect(s.output().stderr).toContain('--port must be a whole number');
  });
});

describe('through npx, as a person would start it', () => {
  it('`npx tsx main/host/cli.ts` prints the listening line and stops on SIGTERM to its process group', async () => {
    // Its own process group, signalled as a whole like Ctrl-C in a terminal: npm runs the command through
    // `sh -c`, which does not pass a SIGTERM sent to npm alone on to the CLI.
    const child = spawn('npx', ['tsx', 'main/host/cli.ts', '--data-dir', tmp(), '--port', '0', '--token', 't'], {
      cwd: ROOT,
      env: { ...process.env, JUNCTION_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pgid = child.pid ?? 0;
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      const port = await new Promise<number>((res) =>
        child.stdout.on('data', (c: string) => {
          stdout += c;
          const m = LISTENING.exec(stdout);
          if (m) res(Number(m[1]));
        }),
      );
      expect((await raw({ port, path: '/', headers: { authorization: 'Bearer t' } })).status).not.toBe(401);
      process.kill(-pgid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      let refused = false;
      while (!refused && Date.now() < deadline) {
        refused = await raw({ port, path: '/' }).then(
          () => false,
          (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
        );
        if (!refused) await new Promise((r) => setTimeout(r, 50));
      }
      expect(refused).toBe(true);
    } finally {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
