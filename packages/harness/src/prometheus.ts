/* Prometheus (Debian's /usr/bin/prometheus) on backfilled synthetic data. */
import fs from 'node:fs';
import path from 'node:path';
import type { MetricsDatasetSummary } from './metrics/dataset.ts';
import { generateMetricsDataset } from './metrics/generator.ts';
import { toOpenMetrics } from './metrics/openMetrics.ts';
import { runToCompletion, spawnManaged } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { freePort } from './ports.ts';
import { INSTALL_PREREQUISITES } from './servers.ts';
import { waitFor } from './waitFor.ts';
import { liveExposition } from './metrics/liveExposition.ts';
import http from 'node:http';

/**
 * The file_sd file Prometheus reads the data plane's live targets from (Limitador, every model's simulator):
 * the data plane rewrites it as models come and go, Prometheus scrapes them every 5 s.
 */
export function scrapeTargetsFile(dir: string): string {
  return path.join(dir, 'prometheus', 'targets.json');
}

export interface PrometheusInstance {
  url: string;
  process: ManagedProcess;
  metricsFile: string;
  summary: MetricsDatasetSummary;
}

export async function startPrometheus(options: {
  dir: string;
  seed: number;
  endTime: number;
  track: (p: ManagedProcess) => void;
  timing: (what: string, startMs: number) => void;
  /** Keep the series going after the start (for `up`): Prometheus scrapes their next values. */
  live?: boolean;
}): Promise<PrometheusInstance> {
  const { dir, seed, endTime, track, timing } = options;
  const pdir = path.join(dir, 'prometheus');
  const dataDir = path.join(pdir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });

  let t = Date.now();
  const { summary } = generateMetricsDataset({ seed, endTime });
  const omFile = path.join(pdir, 'dataset.om.txt');
  fs.writeFileSync(omFile, toOpenMetrics(summary));
  const metricsFile = path.join(dir, 'metrics.json');
  fs.writeFileSync(metricsFile, `${JSON.stringify(summary, null, 2)}\n`);
  const promtool = process.env.MAAS_HARNESS_PROMTOOL || '/usr/bin/promtool';
  await runToCompletion(
    'promtool',
    promtool,
    ['tsdb', 'create-blocks-from', 'openmetrics', omFile, dataDir],
    {
      log: path.join(pdir, 'promtool.log'),
      installHint: INSTALL_PREREQUISITES,
    },
  );
  timing('metrics generated + backfilled', t);

  t = Date.now();
  const config = path.join(pdir, 'prometheus.yml');
  const targets = scrapeTargetsFile(dir);
  if (!fs.existsSync(targets)) fs.writeFileSync(targets, '[]\n');
  // The data plane, live: what a test's calls through the gateway make Limitador and the models count.
  let scrapeConfigs = [
    'scrape_configs:',
    '  - job_name: data-plane',
    '    scrape_interval: 5s',
    `    file_sd_configs: [{ files: ['${targets}'], refresh_interval: 5s }]`,
    '',
  ].join('\n');
  if (options.live) {
    const livePort = await freePort();
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(liveExposition(summary, Math.floor(Date.now() / 1000)));
    });
    await new Promise<void>(resolve =>
      server.listen(livePort, '127.0.0.1', resolve),
    );
    server.unref();
    // job/instance dropped: the scraped samples continue the backfilled series themselves.
    scrapeConfigs += [
      '  - job_name: live',
      `    static_configs: [{ targets: ['127.0.0.1:${livePort}'] }]`,
      '    metric_relabel_configs:',
      '      - { action: labeldrop, regex: job|instance }',
      '',
    ].join('\n');
  }
  // The Costs recording rules, as a platform team loads them: one group evaluated hourly, so they
  // cost the other tests nothing; the Costs tests read them where they cover a range.
  const costRules = path.resolve(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'deploy',
    'prometheus-rules.rules.yaml',
  );
  const ruleFiles = fs.existsSync(costRules)
    ? `rule_files: ['${costRules}']\n`
    : '';
  fs.writeFileSync(
    config,
    `global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n${ruleFiles}${scrapeConfigs}`,
  );
  const port = await freePort();
  const binary = process.env.MAAS_HARNESS_PROMETHEUS || '/usr/bin/prometheus';
  const proc = spawnManaged(
    'prometheus',
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ],
    {
      log: path.join(pdir, 'prometheus.log'),
      installHint: INSTALL_PREREQUISITES,
    },
  );
  track(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'prometheus /-/ready',
    async () => (await fetch(`${url}/-/ready`)).ok,
    {
      timeoutMs: 60000,
      alive: () => proc.deadMessage(),
    },
  );
  // The backfilled blocks are loaded before /-/ready; check that the data is queryable at endTime.
  await waitFor(
    'prometheus to serve the backfilled data',
    async () => {
      const res = await fetch(
        `${url}/api/v1/query?query=limitador_up&time=${summary.endTime}`,
      );
      const body: any = await res.json();
      return body?.data?.result?.length > 0;
    },
    { timeoutMs: 30000, alive: () => proc.deadMessage() },
  );
  timing('prometheus', t);
  return { url, process: proc, metricsFile, summary };
}
