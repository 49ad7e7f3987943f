// `npm run sandbox`: Junction against simulated providers, so anyone can try every connect flow with no
// accounts. Starts every emulator (test/emulators — never part of the packaged app), then the browser host
// configured against them (DESIGN.md §9 variables), with the "Sandbox — simulated providers" banner on.
// Takes the same arguments as `npm run serve`; the data folder defaults to a fresh temporary one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServe } from '../../main/host/cli';
import { junctionEnvFor, startAllOAuthEmulators } from '../emulators/oauth';

async function main(): Promise<void> {
  const emulators = await startAllOAuthEmulators();
  const argv = process.argv.slice(2);
  if (!argv.includes('--data-dir')) argv.push('--data-dir', mkdtempSync(join(tmpdir(), 'junction-sandbox-')));
  for (const [name, e] of Object.entries({ google: emulators.google, microsoft: emulators.microsoft, zoom: emulators.zoom, webex: emulators.webex })) {
    process.stderr.write(`Simulated ${name}: ${e.url}\n`);
  }
  await runServe(argv, {
    core: { env: { ...process.env, ...junctionEnvFor(emulators) }, sandbox: true },
    // Webex matches redirect URIs exactly: register this host's callback once its port is known.
    onListening: (host) => {
      for (const e of [emulators.google, emulators.microsoft, emulators.zoom, emulators.webex]) {
        for (const c of e.clients) e.addRedirectUri(c.clientId, `${host.url}/oauth/callback`);
      }
    },
    onStopped: () => emulators.close(),
  });
}

void main();
