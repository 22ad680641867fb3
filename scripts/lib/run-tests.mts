// Runs every Jest project of the repository and prints the closing line CI reads:
// "Tests: N passed, M failed[, K skipped]", computed from Jest's own JSON results.
// Exits non-zero when a test or a whole suite failed, or when no test ran at all.
//
// First the static checks (prettier, tsc, lint), each counted as one test, so a formatting or type
// error fails the run like a failing test. Then two Jest passes: all test files but `*.exclusive.*`,
// in parallel; then the exclusive ones, one at a time, because they change what every other test
// shares (a CRD of the harness cluster).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: { name: string; status: string }[];
}

const EXCLUSIVE = '\\.exclusive\\.';
const dir = mkdtempSync(join(tmpdir(), 'maas-tests-'));
const extraArgs = process.argv.slice(2);

function runPass(
  name: string,
  passArgs: string[],
): { results?: JestResults; status: number | null } {
  const outputFile = join(dir, `${name}.json`);
  const args = [
    'backstage-cli',
    'repo',
    'test',
    '--ci',
    '--watchAll=false',
    '--json',
    `--outputFile=${outputFile}`,
    ...passArgs,
    ...extraArgs,
  ];
  console.error(`\n[tests] ${name}: yarn ${args.join(' ')}`);
  const run = spawnSync('yarn', args, {
    stdio: 'inherit',
    env: { ...process.env, CI: process.env.CI ?? 'true' },
  });
  if (!existsSync(outputFile)) {
    console.error(
      `[tests] ${name}: Jest wrote no results (exit ${
        run.status ?? run.signal
      }); see its output above.`,
    );
    return { status: run.status ?? 1 };
  }
  return {
    results: JSON.parse(readFileSync(outputFile, 'utf8')) as JestResults,
    status: run.status,
  };
}

// Static checks: [name, yarn arguments].
const CHECKS: [string, string[]][] = [
  ['prettier', ['prettier', '--check', '.']],
  ['tsc', ['tsc']],
  ['lint', ['backstage-cli', 'repo', 'lint']],
];
const checkFailures = CHECKS.filter(([name, args]) => {
  console.error(`\n[tests] check ${name}: yarn ${args.join(' ')}`);
  const run = spawnSync('yarn', args, { stdio: 'inherit' });
  if (run.status === 0) return false;
  console.error(`failed check: ${name} (exit ${run.status ?? run.signal})`);
  return true;
}).length;

const passes = [
  runPass('parallel', [
    '--testPathIgnorePatterns',
    '/node_modules/',
    EXCLUSIVE,
  ]),
  runPass('exclusive', ['--runInBand', '--testPathPatterns', EXCLUSIVE]),
];
rmSync(dir, { recursive: true, force: true });

let testsPassed = 0;
let failed = checkFailures;
let skipped = 0;
for (const { results, status } of passes) {
  if (!results) {
    failed += 1;
    continue;
  }
  testsPassed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped += results.numPendingTests + results.numTodoTests;
  for (const suite of results.testResults) {
    if (suite.status === 'failed') console.error(`failed suite: ${suite.name}`);
  }
  if (
    status !== 0 &&
    results.numFailedTests + results.numRuntimeErrorTestSuites === 0
  ) {
    console.error(
      `[tests] Jest exited with ${status} without a failed test; counted as one failure.`,
    );
    failed += 1;
  }
}
const passed = testsPassed + CHECKS.length - checkFailures;
const closing = `Tests: ${passed} passed, ${failed} failed${
  skipped ? `, ${skipped} skipped` : ''
}`;
console.log(closing);
if (process.env.MAAS_TESTS_SUMMARY_FILE)
  writeFileSync(process.env.MAAS_TESTS_SUMMARY_FILE, closing);
if (failed > 0 || testsPassed === 0) process.exit(1);
