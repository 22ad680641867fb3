/* Reads the harness's environment in tests; a missing variable fails the test (never skips it) and says how to run it. */
import fs from 'node:fs';
import type { MetricsDatasetSummary } from '../metrics/dataset.ts';

const HOW =
  'These tests need the running harness: wrap the test command in `node packages/harness/src/cli.ts run -- <command>` ' +
  '(./scripts/test.sh does it for every package; see packages/harness/README.md).';

/** A variable the harness exports. */
export function harnessEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set. ${HOW}`);
  return value;
}

/** The generated metrics dataset that Prometheus holds (MAAS_HARNESS_METRICS). */
export function harnessMetrics(): MetricsDatasetSummary {
  const file = harnessEnv('MAAS_HARNESS_METRICS');
  if (!fs.existsSync(file))
    throw new Error(`MAAS_HARNESS_METRICS=${file} does not exist. ${HOW}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
