/* Reads the harness's environment in tests; a missing variable fails the test with a clear message. */
import fs from 'node:fs';
import type { MetricsDatasetSummary } from '../metrics/generator.ts';

const HOW =
  'These tests need the running harness: node packages/harness/src/cli.ts run -- yarn workspace @maas-portal/harness test ' +
  '(or wrap any test command the same way; see packages/harness/README.md).';

export function harnessEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set. ${HOW}`);
  return value;
}

export function harnessMetrics(): MetricsDatasetSummary {
  const file = harnessEnv('MAAS_HARNESS_METRICS');
  if (!fs.existsSync(file))
    throw new Error(`MAAS_HARNESS_METRICS=${file} does not exist. ${HOW}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
