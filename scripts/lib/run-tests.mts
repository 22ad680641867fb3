// Runs every Jest project of the repository, and the unit tests of the test bed's own Go and Rust servers, and
// prints the closing line CI reads:
// "Tests: N passed, M failed[, K skipped]", computed from Jest's own JSON results.
// Exits non-zero when a test or a whole suite failed, or when no test ran at all.
//
// First the static checks (prettier, tsc, lint, API reports), each counted as one test, so a
// formatting or type error, or an unintended change of a plugin package's API, fails the run like a
// failing test. Then two Jest passes: all test files but `*.exclusive.*`, in parallel; then the
// exclusive ones, one at a time, because they change what every other test shares (a CRD of the
// harness cluster).
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

/**
 * The unit tests of the test bed's own servers, in their languages: the gateway's `go test` and the Limitador
 * server's `cargo test`. Their passed and failed tests are counted from the runners' own lines.
 */
function runServerTests(): { passed: number; failed: number } {
  const harness = join(import.meta.dirname, '..', '..', 'packages', 'harness');
  const cache =
    process.env.MAAS_CACHE_DIR ||
    join(
      process.env.XDG_CACHE_HOME || join(process.env.HOME || '/root', '.cache'),
      'maas-backstage',
    );
  const home = process.env.HOME || '/root';
  const env = {
    ...process.env,
    // Where build-servers.sh finds them too (a non-login shell may lack both on PATH).
    PATH: `/usr/local/go/bin:${
      process.env.CARGO_HOME || join(home, '.cargo')
    }/bin:${process.env.PATH}`,
    CGO_ENABLED: '0',
    CARGO_TARGET_DIR: join(cache, 'cargo-target'),
  };
  const suites: Array<
    [string, string, string[], string, (out: string) => [number, number]]
  > = [
    [
      'maas-gateway (go test)',
      'go',
      ['test', '-count=1', '-v', './...'],
      join(harness, 'go', 'gateway'),
      out => [
        (out.match(/^--- PASS: /gm) ?? []).length,
        (out.match(/^--- FAIL: /gm) ?? []).length,
      ],
    ],
    [
      'maas-limitador-server (cargo test)',
      'cargo',
      ['test', '--release', '--locked'],
      join(harness, 'rust', 'limitador-server'),
      out =>
        [
          ...out.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed/gm),
        ].reduce<[number, number]>(
          ([p, f], m) => [p + Number(m[1]), f + Number(m[2])],
          [0, 0],
        ),
    ],
  ];
  let passed = 0;
  let failed = 0;
  for (const [name, command, args, cwd, count] of suites) {
    console.error(
      `\n[tests] ${name}: ${command} ${args.join(' ')} (in ${cwd})`,
    );
    const run = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    process.stderr.write(out);
    const [p, f] = count(out);
    passed += p;
    failed += f;
    if (run.status !== 0 && f === 0) {
      console.error(
        `failed: ${name} exited ${
          run.status ?? run.signal ?? run.error
        } with no failed test; counted as one failure`,
      );
      failed += 1;
    } else if (p + f === 0) {
      console.error(`failed: ${name} ran no test; counted as one failure`);
      failed += 1;
    }
  }
  return { passed, failed };
}

// Static checks: [name, yarn arguments]. tsc runs before api-reports: it writes the dist-types the
// reports are extracted from.
const CHECKS: [string, string[]][] = [
  ['prettier', ['prettier', '--check', '.']],
  ['tsc', ['tsc']],
  ['lint', ['backstage-cli', 'repo', 'lint']],
  // The published plugin packages (plugins/*, a glob the tool matches): fails when a package's API
  // differs from its checked-in report.api.md. An intended change is committed with the report
  // that `yarn build:api-reports` regenerates.
  ['api-reports', ['build:api-reports:only', '--ci']],
];
const checkFailures = CHECKS.filter(([name, args]) => {
  console.error(`\n[tests] check ${name}: yarn ${args.join(' ')}`);
  const run = spawnSync('yarn', args, { stdio: 'inherit' });
  if (run.status === 0) return false;
  console.error(`failed check: ${name} (exit ${run.status ?? run.signal})`);
  return true;
}).length;

// Builds some tests share, made before Jest so that they do not compete for the two cores with the
// parallel pass: the Red Hat Developer Hub exports (tsc and webpack, 3.5–7 min cold), which
// dynamicPlugins.cluster.test.ts and dynamicPluginsExample.test.ts then read from the script's
// cache. Not counted as a test: a failure here fails those tests, which run the script again and
// say why.
const prepareStarted = Date.now();
const exportRun = spawnSync(
  'bash',
  [join(import.meta.dirname, '..', 'export-dynamic-plugins.sh')],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
console.error(
  `\n[tests] prepare: Developer Hub exports ${
    exportRun.status === 0 ? 'ready' : `failed (exit ${exportRun.status})`
  } in ${Math.round((Date.now() - prepareStarted) / 1000)} s`,
);

const serverTests = runServerTests();

const passes = [
  runPass('parallel', [
    '--testPathIgnorePatterns',
    '/node_modules/',
    EXCLUSIVE,
  ]),
  runPass('exclusive', ['--runInBand', '--testPathPatterns', EXCLUSIVE]),
];
rmSync(dir, { recursive: true, force: true });

let testsPassed = serverTests.passed;
let failed = checkFailures + serverTests.failed;
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
