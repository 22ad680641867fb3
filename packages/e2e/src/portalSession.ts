import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  V1Secret,
} from '@kubernetes/client-node';
import { harnessEnv, httpGatewaySpec } from '@maas-portal/harness/testing';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { prepareProductionBundle, ProductionBundle } from './productionBundle';
import { Browser } from 'playwright-core';
import { launchChromium } from './browserHelpers';
import { deleteModelsOfEarlierTests } from './cleanSlate';
import { Portal, startPortal } from './startPortal';

export type { Portal } from './startPortal';

/** The harness's API server, as its admin. */
export function harnessKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(harnessEnv('MAAS_HARNESS_KUBECONFIG'));
  return kc;
}

/** A port nobody listens on now: several engineers run the browser tests at once. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * The platform: the Gateway that models' routes attach to, in `llm`. Another browser test of the
 * same harness may have made it already.
 */
export async function ensureGateway(kc: KubeConfig) {
  await kc
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      plural: 'gateways',
      namespace: 'llm',
      body: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'inference-gateway', namespace: 'llm' },
        spec: httpGatewaySpec(),
      },
    })
    .catch(error => {
      if (error?.code !== 409) throw error;
    });
}

/** A model's key Secrets: in maas.keys.namespace (default kuadrant-system), labelled with it. */
export async function keySecrets(
  kc: KubeConfig,
  model: string,
  namespace = 'llm',
): Promise<V1Secret[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({
    namespace: 'kuadrant-system',
    labelSelector: `maas.kuadrant.io/model=${model},maas.kuadrant.io/model-namespace=${namespace}`,
  });
  return list.items;
}

export interface HarnessPortal {
  portal: Portal;
  /** The production bundle: its hash, whether this run built it, how long it took. */
  bundle?: ProductionBundle;
  /** How long the portal took to start (after the bundle). */
  portalStartMs: number;
}

/**
 * The portal on the harness's cluster and Prometheus, on free ports. `production` (what most
 * tests want): the backend serves the app's production bundle, built once per source hash, since
 * the dev server's watcher would restart the backend on every edit of the shared work tree.
 */
export async function startHarnessPortal(options: {
  production: boolean;
  /** More of the `maas` config section, e.g. `limitador: { url }`. */
  maas?: Record<string, unknown>;
}): Promise<HarnessPortal> {
  const bundle = options.production ? prepareProductionBundle() : undefined;
  const started = Date.now();
  const portal = await startPortal({
    kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG'),
    prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
    appPort: await freePort(),
    backendPort: await freePort(),
    production: options.production,
    maas: options.maas,
  });
  return { portal, bundle, portalStartMs: Date.now() - started };
}

export interface PortalSession extends HarnessPortal {
  /** The harness's API server, as its admin. */
  kc: KubeConfig;
  browser: Browser;
  /** Closes the browser and stops the portal. */
  close(): Promise<void>;
}

/**
 * What every browser test starts with: the platform's Gateway, no models of an earlier browser
 * test of this harness, the portal on the harness (see startHarnessPortal) and Debian's Chromium.
 */
export async function openPortalSession(options: {
  production: boolean;
  maas?: Record<string, unknown>;
}): Promise<PortalSession> {
  const kc = harnessKubeConfig();
  await ensureGateway(kc);
  await deleteModelsOfEarlierTests(kc);
  const started = await startHarnessPortal(options);
  const browser = await launchChromium().catch(async error => {
    await started.portal.stop();
    throw error;
  });
  return {
    ...started,
    kc,
    browser,
    close: async () => {
      await browser.close();
      await started.portal.stop();
    },
  };
}

/** Writes a test's figures to `<dir>/<file>` and prints them under `title`. */
export function reportFigures(
  title: string,
  figures: Record<string, unknown>,
  dir: string,
  file = 'figures.json',
) {
  writeFileSync(join(dir, file), JSON.stringify(figures, null, 2));
  // eslint-disable-next-line no-console
  console.log(`${title}: ${JSON.stringify(figures)}; screenshots in ${dir}`);
}

/**
 * The model's predictor pod as KServe labels it: the harness runs no KServe controller. It stays
 * Pending (no scheduler); the Kubernetes tab finds it through the entity's label selector.
 */
export async function createPredictorPod(kc: KubeConfig, model: string) {
  await kc.makeApiClient(CoreV1Api).createNamespacedPod({
    namespace: 'llm',
    body: {
      metadata: {
        name: `${model}-predictor-harness`,
        labels: { 'serving.kserve.io/inferenceservice': model },
      },
      spec: {
        containers: [
          {
            name: 'kserve-container',
            image: 'ghcr.io/llm-d/llm-d-inference-sim:latest',
          },
        ],
      },
    },
  });
}
