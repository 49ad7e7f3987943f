// `npm start`: Electron when its binary is installed, otherwise the browser host (DESIGN.md §1).
// Builds first when dist/ is missing or older than the sources. Arguments after `--` go to the host
// (`npm start -- --data-dir <dir> --port <n>`). JUNCTION_HOST=browser forces the browser host.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildAll, OUTPUTS, ROOT } from './build.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

const FALLBACK_LINE =
  'Electron is not available on this machine (its binary is not installed); serving Junction in your browser instead.';

/** The Electron executable if it is on disk, found without running electron/index.js (which downloads). */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let bin = null;
  if (override) bin = join(override, rel || 'electron');
  else if (rel) bin = join(pkgDir, 'dist', rel);
  return bin && existsSync(bin) ? bin : null;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isStale(outputs, sources) {
  if (!outputs.every((o) => existsSync(o))) return true;
  const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  const newestSource = Math.max(...sources.map((s) => newestMtime(join(ROOT, s))));
  return newestSource > oldestOutput;
}

const SOURCES = {
  renderer: ['renderer', 'shared', 'vite.config.ts', 'package.json'],
  electron: ['main', 'preload', 'shared', 'package.json'],
};

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
  // Pass signals on; the host ignores repeats, so a Ctrl-C the child also got from the terminal is harmless.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (err) => {
    console.error(`Could not start ${cmd}: ${err.message}`);
    process.exit(1);
  });
}

async function main() {
  const forced = process.env.JUNCTION_HOST === 'browser';
  const electron = forced ? null : electronBinary();
  const needElectron = electron !== null;
  const renderer = isStale(OUTPUTS.renderer, SOURCES.renderer);
  const main = needElectron && isStale(OUTPUTS.electron, SOURCES.electron);
  if (renderer || main) {
    console.log('Building Junction…');
    await buildAll({ renderer, electron: main });
  }
  if (electron) {
    run(electron, [join(ROOT, 'dist', 'main', 'index.js'), ...args]);
    return;
  }
  console.log(forced ? 'JUNCTION_HOST=browser: serving Junction in your browser.' : FALLBACK_LINE);
  const tsx = require.resolve('tsx/cli');
  run(process.execPath, [tsx, join(ROOT, 'main', 'host', 'cli.ts'), ...args]);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
