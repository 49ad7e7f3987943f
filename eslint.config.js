// @ts-check
// ESLint flat config. Besides the usual recommended rules it enforces the layer boundaries of DESIGN.md §2:
//   shared/   imports no Electron, no Node, no DOM, and no other layer;
//   renderer/ imports only shared/, itself and npm packages;
//   only main/db/** (and the scheduler's own repository, main/scheduler/jobs-repo.ts) writes SQL;
//   nothing the browser host or the tests load imports `electron` at runtime.
// Each boundary is proven by a fixture that must fail, next to a clean counterpart that must pass (test/lint/).
//
// Flat config replaces a rule's options wholesale when two blocks match one file, so every folder ("zone")
// below gets one block with the complete option set, and the zones' file globs do not overlap.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const ALL = ['**/*.{js,mjs,cjs,ts,tsx,mts,cts}'];

// ---------------------------------------------------------------------------------------------------------
// Building blocks: restricted import paths/patterns and syntax selectors, combined per zone further down.

// Files allowed to import Electron at runtime: the Electron host's composition root, its adapters and the preload.
// Keep in step with the host's layout, and ELECTRON_ONLY_MODULE_RE with it (no one else may import these files,
// or Electron would reach the browser host or the tests through them).
const ELECTRON_FILES = ['main/index.ts', 'main/shell/electron/**', 'main/shell/safe-storage-cipher.ts', 'preload/index.ts'];
const ELECTRON_ONLY_MODULE_RE = '^\\.{1,2}/(.*/)?(electron/.*|safe-storage-cipher)$';
// The scheduler keeps its own repository (it owns the jobs table); every other main/ file goes through main/db.
const SCHEDULER_REPO = 'main/scheduler/jobs-repo.ts';

const escapeRe = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const bareBuiltins = builtinModules.filter((m) => !m.includes('/') && !m.startsWith('_'));
const NODE_BUILTIN_RE = `^(node:.+|(${bareBuiltins.map(escapeRe).join('|')})(/.*)?)$`;

/** A relative import that climbs into one of the named top-level folders (`../main`, `../../preload/x`). */
const layerRe = (/** @type {string[]} */ folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const ELECTRON_MSG = `Only ${ELECTRON_FILES.join(', ')} import Electron at runtime ` +
  '(the browser host and the tests load everything else). Put the Electron call behind a port in main/shell/electron/.';
const NO_SQL_MSG = `Only main/db/** writes SQL (and ${SCHEDULER_REPO}, for the jobs table): ` +
  'add a repository method in main/db/repos/ and call that.';

const imp = {
  electron: { name: 'electron', message: ELECTRON_MSG },
  /** Type-only imports are erased at build time, so they cannot load Electron. */
  electronTypesOnly: { name: 'electron', allowTypeImports: true, message: `${ELECTRON_MSG} (\`import type\` is fine.)` },
  betterSqlite: { name: 'better-sqlite3', message: NO_SQL_MSG },
  kyselyRaw: { name: 'kysely', importNames: ['sql', 'CompiledQuery'], message: NO_SQL_MSG },
};
const pat = {
  node: (/** @type {string} */ where) => ({
    regex: NODE_BUILTIN_RE,
    message: `${where} runs without Node: no Node built-in modules here.`,
  }),
  /** The Electron host's own modules: importing one would load Electron transitively. */
  electronOnlyModules: {
    regex: ELECTRON_ONLY_MODULE_RE,
    allowTypeImports: true,
    message: `This module imports Electron; only the Electron host (main/index.ts) may import it. ${ELECTRON_MSG}`,
  },
  layers: (/** @type {string} */ where, /** @type {string[]} */ folders) => ({
    regex: layerRe(folders),
    message: `${where} must not import from ${folders.map((f) => `${f}/`).join(', ')} (DESIGN.md §2).`,
  }),
};

const syn = {
  electronDynamic: [
    { selector: "ImportExpression[source.value='electron']", message: ELECTRON_MSG },
    { selector: "CallExpression[callee.name='require'][arguments.0.value='electron']", message: ELECTRON_MSG },
  ],
  nodeDynamic: (/** @type {string} */ where) => [
    { selector: `ImportExpression[source.value=/${NODE_BUILTIN_RE.replaceAll('/', '\\/')}/]`, message: `${where} runs without Node.` },
    { selector: "CallExpression[callee.name='require']", message: `${where} runs without Node: no require().` },
  ],
  /** Kysely builders that write; with `allowedTable` (a regex on the table argument), those on other tables. */
  sqlWriteBuilders: (/** @type {string | undefined} */ allowedTable) => ({
    selector:
      'CallExpression[callee.property.name=/^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]' +
      (allowedTable ? `:not([arguments.0.value=/${allowedTable}/])` : ''),
    message: NO_SQL_MSG,
  }),
  sqlRaw: [
    { selector: "MemberExpression[object.property.name='schema'][property.name=/^(create|alter|drop)[A-Z]/]", message: NO_SQL_MSG },
    { selector: "TaggedTemplateExpression[tag.property.name='sql']", message: NO_SQL_MSG },
    // better-sqlite3's statement API, on anything that is obviously a database handle ...
    {
      selector: 'CallExpression[callee.property.name=/^(prepare|exec|pragma)$/][callee.object.name=/^(db|sqlite|database|conn|connection)$/i]',
      message: NO_SQL_MSG,
    },
    {
      selector: 'CallExpression[callee.property.name=/^(prepare|exec|pragma)$/][callee.object.property.name=/^(db|sqlite|database|conn|connection)$/i]',
      message: NO_SQL_MSG,
    },
    // ... or on any receiver when the argument is SQL text (RegExp#exec stays legal).
    { selector: 'CallExpression[callee.property.name=/^(prepare|pragma)$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]', message: NO_SQL_MSG },
  ],
};
const NO_SQL_SYNTAX = [syn.sqlWriteBuilders(undefined), ...syn.sqlRaw];

const DOM_GLOBALS = [
  'window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage', 'indexedDB', 'fetch',
  'XMLHttpRequest', 'WebSocket', 'EventSource', 'alert', 'confirm', 'prompt', 'self', 'requestAnimationFrame',
].map((name) => ({ name, message: 'shared/ runs in every process: no DOM globals.' }));
const NODE_GLOBALS = (/** @type {string} */ where) =>
  ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate'].map(
    (name) => ({ name, message: `${where} runs without Node: no Node globals.` }),
  );

/**
 * One zone = one block with the complete set of boundary rules for its files.
 * @param {{ name: string, files: string[], ignores?: string[], paths?: object[], patterns?: object[],
 *           syntax?: object[], globals?: object[] }} zone
 */
function zone({ name, files, ignores = [], paths = [], patterns = [], syntax = [], globals: restrictedGlobals = [] }) {
  /** @type {Record<string, import('eslint').Linter.RuleEntry>} */
  const rules = {
    'no-restricted-imports': paths.length || patterns.length ? ['error', { paths, patterns }] : 'off',
    'no-restricted-syntax': syntax.length ? ['error', ...syntax] : 'off',
    'no-restricted-globals': restrictedGlobals.length ? ['error', ...restrictedGlobals] : 'off',
  };
  return { name: `junction/zone/${name}`, files, ignores, rules };
}

export default defineConfig([
  globalIgnores(['dist/', 'release/', 'node_modules/', 'test-results/', 'coverage/', 'test/lint/fixtures/**']),

  { name: 'junction/files', files: ALL },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'junction/base',
    files: ALL,
    languageOptions: { sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  // Plain JS (build scripts, configs) runs in Node; TypeScript files get their globals from the tsconfigs.
  { name: 'junction/node-js', files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: { ...globals.node } } },

  // --- zones (non-overlapping) -----------------------------------------------------------------------------
  zone({
    name: 'shared',
    files: ['shared/**'],
    paths: [imp.electron, imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.node('shared/'), pat.layers('shared/', ['main', 'preload', 'renderer', 'test', 'build'])],
    syntax: [...syn.electronDynamic, ...syn.nodeDynamic('shared/'), ...NO_SQL_SYNTAX],
    globals: [...DOM_GLOBALS, ...NODE_GLOBALS('shared/')],
  }),
  zone({
    name: 'renderer',
    files: ['renderer/**'],
    paths: [imp.electron, imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.node('The renderer'), pat.layers('The renderer', ['main', 'preload', 'test', 'build'])],
    syntax: [...syn.electronDynamic, ...syn.nodeDynamic('The renderer'), ...NO_SQL_SYNTAX],
    globals: NODE_GLOBALS('The renderer'),
  }),
  zone({
    name: 'preload-entry',
    files: ['preload/index.ts'],
    paths: [imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.node('The sandboxed preload'), pat.layers('preload/', ['main', 'renderer', 'test'])],
    syntax: NO_SQL_SYNTAX,
  }),
  zone({
    name: 'preload',
    files: ['preload/**'],
    ignores: ['preload/index.ts'],
    paths: [imp.electronTypesOnly, imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.node('The sandboxed preload'), pat.layers('preload/', ['main', 'renderer', 'test']), pat.electronOnlyModules],
    syntax: [...syn.electronDynamic, ...NO_SQL_SYNTAX],
  }),
  zone({
    name: 'main-electron-host',
    files: ELECTRON_FILES.filter((f) => f.startsWith('main/')),
    paths: [imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.layers('main/', ['renderer', 'preload', 'test'])],
    syntax: NO_SQL_SYNTAX,
  }),
  zone({
    name: 'main-db',
    files: ['main/db/**'],
    paths: [imp.electronTypesOnly],
    patterns: [pat.layers('main/', ['renderer', 'preload', 'test']), pat.electronOnlyModules],
    syntax: syn.electronDynamic,
  }),
  zone({
    // Kysely on the jobs table only (builders and `sql` fragments); no DDL, no direct better-sqlite3 handle.
    name: 'main-scheduler-repo',
    files: [SCHEDULER_REPO],
    paths: [imp.electronTypesOnly, imp.betterSqlite],
    patterns: [pat.layers('main/', ['renderer', 'preload', 'test']), pat.electronOnlyModules],
    syntax: [...syn.electronDynamic, syn.sqlWriteBuilders('^jobs( as \\w+)?$'), ...syn.sqlRaw],
  }),
  zone({
    name: 'main',
    files: ['main/**'],
    ignores: [...ELECTRON_FILES, 'main/db/**', SCHEDULER_REPO],
    paths: [imp.electronTypesOnly, imp.betterSqlite, imp.kyselyRaw],
    patterns: [pat.layers('main/', ['renderer', 'preload', 'test']), pat.electronOnlyModules],
    syntax: [...syn.electronDynamic, ...NO_SQL_SYNTAX],
  }),
  zone({
    // Tests may set up data with SQL; they run in plain Node, so Electron only as types.
    name: 'test',
    files: ['test/**'],
    paths: [imp.electronTypesOnly],
    patterns: [pat.electronOnlyModules],
    syntax: syn.electronDynamic,
  }),

  // --- tests: a focused test must never be committed --------------------------------------------------------
  {
    name: 'junction/tests',
    files: ['test/**', '**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test', 'suite', 'bench'].map((object) => ({
          object,
          property: 'only',
          message: '`.only` would silently skip the rest of the suite.',
        })),
      ],
    },
  },
  // TypeScript checks undefined names itself (with the right lib per tsconfig); no-undef only misfires there.
  { name: 'junction/ts-no-undef', files: TS, rules: { 'no-undef': 'off' } },
]);
