/*
 * /api/maas driven by a property-based API fuzzer (schemathesis, from PyPI) from its OpenAPI spec,
 * as each of three users, against the real backend on the harness's cluster: no 5xx, and every
 * 4xx a JSON error body (fuzz/maas_checks.py). The seed is fixed so that the test command is
 * reproducible; `yarn fuzz:api` runs the same with more cases and a new seed each time.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  DEV_A,
  DEV_B,
  USERS,
  User,
  authorizationOf,
  usePortalWithModels,
} from './__testUtils__/portalTestBackend';

jest.setTimeout(900_000);

const EXAMPLES = Number(process.env.MAAS_FUZZ_EXAMPLES ?? 15);
const SEED = process.env.MAAS_FUZZ_SEED ?? '20261201';

/** What one schemathesis run found: its exit code, the cases it sent, its failures (text). */
interface FuzzRun {
  exitCode: number;
  cases: number;
  failures: string[];
  output: string;
}

function fuzz(baseUrl: string, user: User, dir: string): Promise<FuzzRun> {
  const ndjson = join(dir, `${user.replace(/\W/g, '_')}.ndjson`);
  const args = [
    'run',
    resolvePackagePath(
      '@maas-portal/plugin-maas-backend',
      'src/schema/openapi.yaml',
    ),
    '--url',
    baseUrl,
    '--header',
    `Authorization: ${authorizationOf(user)}`,
    '--checks',
    'not_a_server_error,json_error_body',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(EXAMPLES),
    '--seed',
    SEED,
    '--workers',
    '1',
    '--no-color',
    // No example database in the work tree: each run stands on its seed.
    '--generation-database',
    'none',
    '--continue-on-failure',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    ndjson,
  ];
  const script = resolvePackagePath('backend', 'fuzz', 'schemathesis.sh');
  return new Promise((resolve, reject) => {
    // In a temporary folder: schemathesis keeps state (.schemathesis/) in its working directory.
    const child = spawn(script, args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('close', code => {
      const events = readFileSync(ndjson, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line));
      resolve({
        exitCode: code ?? -1,
        cases: countCases(events),
        failures: failuresOf(output),
        output,
      });
    });
  });
}

/** Test cases sent, from the NDJSON event stream (one ScenarioFinished per scenario with its recorder). */
function countCases(events: any[]): number {
  let cases = 0;
  for (const event of events) {
    const finished = event.ScenarioFinished;
    if (finished?.recorder?.cases)
      cases += Object.keys(finished.recorder.cases).length;
  }
  return cases;
}

/** The failure headings of schemathesis' text output, e.g. "Server error" under an operation. */
function failuresOf(output: string): string[] {
  const start = output.indexOf('FAILURES');
  return start < 0 ? [] : [output.slice(start, start + 8000)];
}

describe('the MaaS API under a property-based fuzzer', () => {
  const portal = usePortalWithModels('fuzz');
  let baseUrl: string;

  beforeAll(() => {
    baseUrl = `http://127.0.0.1:${
      (portal.server.address() as AddressInfo).port
    }/api/maas`;
  });

  it.each([
    ['a developer of team A', DEV_A],
    ['a developer of team B', DEV_B],
    ['an admin', ADMIN],
  ] as const)('answers %s with no 5xx and JSON errors', async (_, user) => {
    expect(USERS).toContain(user);
    const run = await fuzz(baseUrl, user, mkdtempSync(join(tmpdir(), 'fuzz-')));
    // The figure the issue asks for; the assertions below are what must hold.
    console.log(
      `schemathesis as ${user}: ${run.cases} generated cases (seed ${SEED}, up to ${EXAMPLES} per operation), exit ${run.exitCode}`,
    );
    expect(run.failures).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.cases).toBeGreaterThan(50);
  });
});
