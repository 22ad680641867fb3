// Benchmark of the model pages' endpoints, run on demand inside the harness:
//   yarn bench:models     (= node packages/harness/src/cli.ts run -- node plugins/maas-backend/bench/model-endpoints.mts)
// Creates 100 models and 5,000 key Secrets in the harness cluster, starts the real backend on
// them, waits until the catalog holds the models, then prints p50/p95 latency and requests/s of
// GET /models/by-entity and /models/by-entity/tiers with a warm cache, and how many LIST/GET
// requests the API server received for the suite's kinds during those page loads.
import { KubeConfig } from '@kubernetes/client-node';
import { harnessEnv } from '@maas-portal/harness/testing';
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestSignIn, startBenchBackend } from './benchBackend.mts';
import { summary, timedGet } from './latencies.mts';
import { seedBenchCluster } from './seedBenchCluster.mts';

const MODELS = Number(process.env.BENCH_MODELS ?? 100);
const SECRETS = Number(process.env.BENCH_SECRETS ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = 8;

const kc = new KubeConfig();
kc.loadFromFile(harnessEnv('MAAS_HARNESS_KUBECONFIG'));

/** LIST and GET requests the API server has served for the suite's kinds, by verb and resource. */
async function apiServerRequests(): Promise<Map<string, number>> {
  const server = new URL(`${kc.getCurrentCluster()!.server}/metrics`);
  const options: https.RequestOptions = {
    hostname: server.hostname,
    port: server.port,
    path: server.pathname,
  };
  await kc.applyToHTTPSOptions(options);
  const text = await new Promise<string>((done, fail) => {
    https
      .get(options, res => {
        let body = '';
        res.on('data', chunk => (body += chunk));
        res.on('end', () => done(body));
      })
      .on('error', fail);
  });
  const kinds =
    /resource="(inferenceservices|httproutes|gateways|authpolicies|ratelimitpolicies|tokenratelimitpolicies|telemetrypolicies|secrets)"/;
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const verb = /verb="(LIST|GET)"/.exec(line)?.[1];
    const resource = kinds.exec(line)?.[1];
    if (line.startsWith('apiserver_request_total{') && verb && resource) {
      const key = `${verb} ${resource}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(line.split(' ').pop()));
    }
  }
  return counts;
}

async function startBackend(): Promise<{ stop: () => void; baseUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'maas-bench-'));
  const backend = await startBenchBackend(dir, {
    how: 'yarn',
    port: 7107,
    database: {
      client: 'better-sqlite3',
      connection: { directory: join(dir, 'sqlite') },
    },
    maas: {
      cluster: { kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG') },
      prometheus: { url: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL') },
    },
  });
  console.log(`backend up (log: ${backend.log})`);
  return backend;
}

async function main() {
  const names = await seedBenchCluster({
    kc,
    namespace: 'llm',
    models: MODELS,
    secrets: SECRETS,
  });
  const backend = await startBackend();
  try {
    const { headers } = await guestSignIn(backend.baseUrl);
    const t0 = Date.now();
    for (;;) {
      const res = await fetch(
        `${backend.baseUrl}/api/catalog/entities/by-query?filter=spec.type=model-server&limit=1`,
        { headers },
      );
      const body = await res.json();
      if ((body.totalItems ?? 0) >= MODELS) break;
      if (Date.now() - t0 > 300_000)
        throw new Error(
          `the catalog holds ${body.totalItems} of ${MODELS} models after 5 minutes`,
        );
      await new Promise(r => setTimeout(r, 2000));
    }
    console.log(
      `catalog holds the ${MODELS} models ${((Date.now() - t0) / 1000).toFixed(
        1,
      )} s after start`,
    );

    const url = (path: string, i: number) =>
      `${
        backend.baseUrl
      }/api/maas/models/by-entity${path}?entityRef=component:default/${
        names[i % MODELS]
      }`;
    const warm = async (path: string) =>
      Promise.all(
        names.map((_, i) =>
          fetch(url(path, i), { headers }).then(r => r.arrayBuffer()),
        ),
      );
    await warm('');
    await warm('/tiers');

    const before = await apiServerRequests();
    const results: string[] = [];
    let pageLoads = 0;
    for (const path of ['', '/tiers']) {
      const latencies: number[] = [];
      for (let i = 0; i < REQUESTS; i++)
        latencies.push((await timedGet(url(path, i), headers)).ms);
      const { p50, p95 } = summary(latencies);
      let done = 0;
      const end = Date.now() + 5000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, w) => {
          for (let i = w; Date.now() < end; i += CONCURRENCY) {
            await (await fetch(url(path, i), { headers })).arrayBuffer();
            done++;
          }
        }),
      );
      pageLoads += REQUESTS + done;
      results.push(
        `GET /models/by-entity${path}: p50 ${p50.toFixed(
          1,
        )} ms, p95 ${p95.toFixed(1)} ms (${REQUESTS} sequential); ${(
          done / 5
        ).toFixed(0)} requests/s with ${CONCURRENCY} concurrent`,
      );
    }
    const after = await apiServerRequests();
    console.log(results.join('\n'));
    const delta = [...after]
      .map(([key, n]) => [key, n - (before.get(key) ?? 0)] as const)
      .filter(([, n]) => n > 0);
    const total = delta.reduce((sum, [, n]) => sum + n, 0);
    console.log(
      `API server LIST/GET requests on the suite's kinds during ${pageLoads} requests: ${total}` +
        (delta.length
          ? ` (${delta.map(([key, n]) => `${n} ${key}`).join(', ')})`
          : ''),
    );
  } finally {
    backend.stop();
  }
}

main().catch(error => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
