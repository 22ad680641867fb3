// Runs every Jest project of the repository once and prints the closing line CI reads:
// "Tests: N passed, M failed[, K skipped]", computed from Jest's own JSON results.
// Exits non-zero when a test or a whole suite failed, or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: { name: string; status: string; message: string }[];
}

const dir = mkdtempSync(join(tmpdir(), 'maas-tests-'));
const outputFile = join(dir, 'jest-results.json');
const args = ['backstage-cli', 'repo', 'test', '--ci', '--watchAll=false', '--json', `--outputFile=${outputFile}`, ...process.argv.slice(2)];
const run = spawnSync('yarn', args, { stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });

if (!existsSync(outputFile)) {
  console.error(`Jest wrote no results (exit ${run.status ?? run.signal}); see its output above.`);
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
}
const results = JSON.parse(readFileSync(outputFile, 'utf8')) as JestResults;
rmSync(dir, { recursive: true, force: true });

const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
const skipped = results.numPendingTests + results.numTodoTests;
for (const suite of results.testResults) {
  if (suite.status === 'failed') console.error(`failed suite: ${suite.name}`);
}
const passed = results.numPassedTests;
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0 || run.status !== 0) {
  if (failed === 0 && passed > 0) console.error(`Jest exited with ${run.status ?? run.signal}.`);
  process.exit(1);
}
