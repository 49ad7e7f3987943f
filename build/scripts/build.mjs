// `npm run build`: the renderer with vite (vite.config.ts → dist/renderer), then esbuild for the Electron main
// process (dist/main/index.js, ESM like the package) and the sandboxed preload (dist/preload/index.cjs, CJS).
// Flags: --renderer-only, --electron-only. Also imported by start.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUTS = {
  renderer: [join(ROOT, 'dist', 'renderer', 'index.html')],
  electron: [join(ROOT, 'dist', 'main', 'index.js'), join(ROOT, 'dist', 'preload', 'index.cjs')],
};

export function buildRenderer() {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
}

export async function buildElectron() {
  await build({
    entryPoints: [join(ROOT, 'main', 'index.ts')],
    outfile: join(ROOT, 'dist', 'main', 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22', // Electron 45 ships Node 22
    external: ['electron', 'better-sqlite3'],
    // Bundled CommonJS dependencies may call require(); ESM output has none unless we make one.
    banner: { js: "import { createRequire as __junctionCreateRequire } from 'node:module';\nconst require = __junctionCreateRequire(import.meta.url);" },
    sourcemap: true,
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(ROOT, 'preload', 'index.ts')],
    outfile: join(ROOT, 'dist', 'preload', 'index.cjs'),
    bundle: true,
    // A sandboxed preload has no Node: platform browser makes any node: import a build error.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    // The contract pulls zod in; minified it parses faster in every window.
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
}

export async function buildAll({ renderer = true, electron = true } = {}) {
  if (renderer) buildRenderer();
  if (electron) await buildElectron();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = new Set(process.argv.slice(2));
  const renderer = !args.has('--electron-only');
  const electron = !args.has('--renderer-only');
  try {
    await buildAll({ renderer, electron });
    const built = [renderer && 'dist/renderer', electron && 'dist/main/index.js, dist/preload/index.cjs'].filter(Boolean);
    console.log(`Built ${built.join(', ')}.`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
