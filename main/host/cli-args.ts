// Arguments of `npm run serve` (main/host/cli.ts). Pure: returns options or a message for exit code 2.
import { parseArgs } from 'node:util';

export interface CliOptions {
  dataDir: string | null;
  port: number;
  token: string | null;
  tokenSource: 'flag' | 'env' | 'generated';
  help: boolean;
}

export type CliParse = { ok: true; options: CliOptions } | { ok: false; message: string };

export const USAGE = `Usage: npm run serve -- [--data-dir <dir>] [--port <n>] [--token <t>]

  --data-dir <dir>  where Junction keeps its database (default: the OS app-data folder)
  --port <n>        TCP port on 127.0.0.1 (default 0: any free port)
  --token <t>       session token (default: $JUNCTION_TOKEN, else a random one)
  --help            show this help`;

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliParse {
  let values: { 'data-dir'?: string; port?: string; token?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }

  let port = 0;
  if (values.port !== undefined) {
    const p = values.port.trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) {
      return { ok: false, message: `--port must be a whole number from 0 to 65535 (got "${values.port}").` };
    }
    port = Number(p);
  }

  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') return { ok: false, message: '--data-dir must not be empty.' };

  let token: string | null = null;
  let tokenSource: CliOptions['tokenSource'] = 'generated';
  if (values.token !== undefined) {
    token = values.token;
    tokenSource = 'flag';
  } else if (env.JUNCTION_TOKEN !== undefined && env.JUNCTION_TOKEN !== '') {
    token = env.JUNCTION_TOKEN;
    tokenSource = 'env';
  }
  if (token !== null && !/^[\x21-\x7e]+$/.test(token)) {
    return { ok: false, message: 'The token must be non-empty printable ASCII without spaces.' };
  }

  return {
    ok: true,
    options: { dataDir: dataDir ?? null, port, token, tokenSource, help: values.help === true },
  };
}
