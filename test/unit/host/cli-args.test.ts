import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../main/host/cli-args';

describe('parseCliArgs', () => {
  it('reads --data-dir, --port and --token', () => {
    expect(parseCliArgs(['--data-dir', '/d', '--port', '8080', '--token', 'abc'], {})).toEqual({
      ok: true,
      options: { dataDir: '/d', port: 8080, token: 'abc', tokenSource: 'flag', help: false },
    });
    expect(parseCliArgs(['--data-dir=/d', '--port=0'], {})).toMatchObject({ ok: true, options: { dataDir: '/d', port: 0 } });
  });
  it('defaults: any free port, no data dir (the OS folder), a generated token', () => {
    expect(parseCliArgs([], {})).toEqual({
      ok: true,
      options: { dataDir: null, port: 0, token: null, tokenSource: 'generated', help: false },
    });
  });
  it('takes the token from JUNCTION_TOKEN when --token is absent; --token wins', () => {
    expect(parseCliArgs([], { JUNCTION_TOKEN: 'env-t' })).toMatchObject({ ok: true, options: { token: 'env-t', tokenSource: 'env' } });
    expect(parseCliArgs(['--token', 'flag-t'], { JUNCTION_TOKEN: 'env-t' })).toMatchObject({
      ok: true,
      options: { token: 'flag-t', tokenSource: 'flag' },
    });
    expect(parseCliArgs([], { JUNCTION_TOKEN: '' })).toMatchObject({ ok: true, options: { tokenSource: 'generated' } });
  });
  it('rejects bad arguments with a message', () => {
    for (const argv of [
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--port', '-1'],
      ['--port', '1.5'],
      ['--bogus'],
      ['positional'],
      ['--data-dir'],
      ['--data-dir', ''],
      ['--token', ''],
      ['--token', 'has space'],
    ]) {
      const r = parseCliArgs(argv, {});
      expect(r.ok, argv.join(' ')).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
    }
  });
});
