// Proves each ESLint boundary rule (eslint.config.js) both ways: every fixture that breaks a boundary fails
// with the expected rule, and every clean counterpart passes. Fixtures are linted as if they lived at `as`
// (lintText with a virtual path), so the per-folder globs apply without the files existing there.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const fixturesDir = join(here, 'fixtures');

type Rule =
  | 'no-restricted-imports'
  | 'no-restricted-syntax'
  | 'no-restricted-globals'
  | 'no-restricted-properties'
  | '@typescript-eslint/no-explicit-any';
interface Case {
  fixture: string;
  /** The path the fixture is linted as. */
  as: string;
  /** The one rule that must fire, or 'clean' for a counterpart that must pass. */
  expect: Rule | 'clean';
}

const cases: Case[] = [
  // shared/: no Electron, no Node, no DOM, no other layer
  { fixture: 'shared-imports-node-builtin.ts', as: 'shared/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'shared-imports-bare-builtin.ts', as: 'shared/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'shared-imports-electron.ts', as: 'shared/ipc/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'shared-uses-dom-globals.ts', as: 'shared/__fixture__.ts', expect: 'no-restricted-globals' },
  { fixture: 'shared-uses-node-globals.ts', as: 'shared/__fixture__.ts', expect: 'no-restricted-globals' },
  { fixture: 'shared-imports-main.ts', as: 'shared/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'shared-imports-renderer.ts', as: 'shared/ipc/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'shared-clean.ts', as: 'shared/ipc/__fixture__.ts', expect: 'clean' },

  // renderer/: only shared/, itself and npm packages
  { fixture: 'renderer-imports-electron.ts', as: 'renderer/api/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'renderer-imports-node-builtin.ts', as: 'renderer/lib/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'renderer-imports-main.tsx', as: 'renderer/pages/__fixture__.tsx', expect: 'no-restricted-imports' },
  { fixture: 'renderer-imports-preload.ts', as: 'renderer/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'renderer-dynamic-import-node.ts', as: 'renderer/lib/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'renderer-clean.tsx', as: 'renderer/pages/__fixture__.tsx', expect: 'clean' },

  // only main/db/** (and the scheduler's own repository, main/scheduler/jobs-repo.ts, for the jobs table) writes SQL
  { fixture: 'sql-service-imports-sql-tag.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'sql-service-imports-better-sqlite3.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'sql-service-insert.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'sql-service-raw-statement.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'sql-renderer-imports-kysely-sql.ts', as: 'renderer/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'sql-scheduler-worker-writes-jobs.ts', as: 'main/scheduler/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'sql-scheduler-repo-other-table.ts', as: 'main/scheduler/jobs-repo.ts', expect: 'no-restricted-syntax' },
  { fixture: 'sql-scheduler-repo-clean.ts', as: 'main/scheduler/jobs-repo.ts', expect: 'clean' },
  { fixture: 'sql-db-repo-clean.ts', as: 'main/db/repos/__fixture__.ts', expect: 'clean' },
  { fixture: 'sql-service-clean.ts', as: 'main/services/__fixture__.ts', expect: 'clean' },

  // nothing the browser host or the tests load imports Electron at runtime
  { fixture: 'electron-main-service.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-shell-pure.ts', as: 'main/shell/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-main-dynamic-import.ts', as: 'main/host/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'electron-main-require.ts', as: 'main/__fixture__.ts', expect: 'no-restricted-syntax' },
  { fixture: 'electron-preload-helper.ts', as: 'preload/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'preload-imports-node-builtin.ts', as: 'preload/index.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-test-runtime.ts', as: 'test/unit/__fixture__.test.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-core-imports-adapter.ts', as: 'main/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-test-imports-adapter.ts', as: 'test/unit/shell/__fixture__.test.ts', expect: 'no-restricted-imports' },
  { fixture: 'electron-shell-types-clean.ts', as: 'main/shell/__fixture__.ts', expect: 'clean' },
  { fixture: 'electron-shell-adapter-clean.ts', as: 'main/shell/electron/__fixture__.ts', expect: 'clean' },
  { fixture: 'electron-safe-storage-cipher-clean.ts', as: 'main/shell/safe-storage-cipher.ts', expect: 'clean' },
  { fixture: 'electron-main-index-clean.ts', as: 'main/index.ts', expect: 'clean' },
  { fixture: 'electron-preload-index-clean.ts', as: 'preload/index.ts', expect: 'clean' },
  { fixture: 'electron-test-types-clean.ts', as: 'test/unit/__fixture__.test.ts', expect: 'clean' },

  // main/ never imports renderer/; no focused tests; no `any`
  { fixture: 'main-imports-renderer.ts', as: 'main/services/__fixture__.ts', expect: 'no-restricted-imports' },
  { fixture: 'test-only.ts', as: 'test/unit/__fixture__.test.ts', expect: 'no-restricted-properties' },
  { fixture: 'explicit-any.ts', as: 'main/lib/__fixture__.ts', expect: '@typescript-eslint/no-explicit-any' },
];

let eslint: ESLint;
beforeAll(() => {
  // warnIgnored: a virtual path that the config ignores would show up as a warning, failing the clean cases.
  eslint = new ESLint({ cwd: repoRoot, warnIgnored: true });
});

async function lint(c: Case): Promise<ESLint.LintResult> {
  const source = readFileSync(join(fixturesDir, c.fixture), 'utf8');
  const [result] = await eslint.lintText(source, { filePath: join(repoRoot, c.as) });
  if (!result) throw new Error(`ESLint returned no result for ${c.fixture}`);
  return result;
}
const describeMessages = (r: ESLint.LintResult): string =>
  r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? '(fatal)'} ${m.message}`).join('\n') || '(none)';

describe('lint boundary fixtures', () => {
  it('every fixture file has a case, and every case a file', () => {
    const files = readdirSync(fixturesDir).sort();
    expect(files).toEqual(cases.map((c) => c.fixture).sort());
  });

  it.each(cases.filter((c) => c.expect !== 'clean'))('$fixture fails as $as with $expect', async (c) => {
    const result = await lint(c);
    expect(result.errorCount, describeMessages(result)).toBeGreaterThan(0);
    // Only the rule under test fires, so the fixture proves exactly that rule (and has no parse error).
    expect(new Set(result.messages.map((m) => m.ruleId)), describeMessages(result)).toEqual(new Set([c.expect]));
  });

  it.each(cases.filter((c) => c.expect === 'clean'))('$fixture passes as $as', async (c) => {
    const result = await lint(c);
    expect(result.errorCount + result.warningCount, describeMessages(result)).toBe(0);
  });
});
