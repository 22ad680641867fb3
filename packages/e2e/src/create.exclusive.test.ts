/**
 * @jest-environment node
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { harnessEnv, httpGatewaySpec } from '@maas-portal/harness/testing';
import { Portal, startPortal } from './startPortal';

// "Create model" as a developer fills it in, in Debian's Chromium: the form's own checks as typed,
// a simulator model with custom tiers, its page opening as soon as the run ends, and its objects
// on the Kubernetes tab. Runs alone (`*.exclusive.*`): it starts the whole portal.
jest.setTimeout(600_000);

const ARTIFACTS = join(
  process.env.MAAS_E2E_ARTIFACTS ??
    resolve(__dirname, '..', '..', '..', 'e2e-test-report'),
  'create',
);
const MODEL = 'sim-create';

describe('Create model in a browser', () => {
  let portal: Portal;
  let browser: Browser;
  let page: Page;
  let kc: KubeConfig;
  const figures: Record<string, number> = {};
  let shot = 0;

  async function screenshot(name: string) {
    shot += 1;
    await page.screenshot({
      path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    kc = new KubeConfig();
    kc.loadFromFile(harnessEnv('MAAS_HARNESS_KUBECONFIG'));
    // The platform: the Gateway that models' routes attach to.
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
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
    });
    portal = await startPortal({
      kubeconfig: harnessEnv('MAAS_HARNESS_KUBECONFIG'),
      prometheusUrl: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
      appPort: 3215,
      backendPort: 7215,
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Eight engineers share two cores: generous timeouts, so that a busy machine is no failure.
    page.setDefaultTimeout(60_000);
    await page.goto(portal.appUrl, { timeout: 180_000 });
    // The dev bundle's first load is slow on a busy machine.
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 180_000 });
    await page
      .getByRole('link', { name: 'Models', exact: true })
      .first()
      .waitFor();
  });

  afterAll(async () => {
    writeFileSync(
      join(ARTIFACTS, 'figures.json'),
      JSON.stringify(figures, null, 2),
    );
    console.log(
      `Create model figures (ms): ${JSON.stringify(
        figures,
      )}; screenshots in ${ARTIFACTS}`,
    );
    await browser?.close();
    await portal?.stop();
  });

  it('checks the name and the tiers as typed, and reviews only what applies to a simulator', async () => {
    await page.goto(`${portal.appUrl}/create/templates/default/create-model`);
    const name = page.getByLabel('Model name');
    await name.fill('Sim_Create');
    await page
      .getByText(
        '"Sim_Create" has upper-case letters; use lower-case letters only',
      )
      .waitFor();
    await screenshot('name-refused-in-words');
    await name.fill(MODEL);
    await page.getByLabel('Owner').fill('platform-team');
    await page.getByRole('option', { name: 'platform-team' }).click();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.locator('#root_serving_type').click();
    await page.getByRole('option', { name: 'Simulator (no GPU)' }).click();
    await page.getByRole('button', { name: 'Next' }).click();

    await page.locator('#root_tierMode').click();
    await page
      .getByRole('option', { name: 'Choose tiers and limits for this model' })
      .click();
    // The portal's tiers, read from the MaaS backend, each with its limits.
    await page
      .locator('#root_tiers-0-name[role="button"]:not([aria-disabled="true"])')
      .click();
    await page
      .getByRole('option', { name: /^free \(5 requests \/ 2m/ })
      .click();
    await page.getByLabel('Requests window').fill('1d');
    await page
      .getByText(
        'window "1d" is not a Kuadrant window; use a number with h, m, s or ms, such as "2m" or "24h" (days are not accepted)',
      )
      .waitFor();
    await screenshot('window-in-days-refused-as-typed');
    await page.getByLabel('Requests window').fill('1m');
    await page.getByLabel('Requests per user').fill('7');
    await page.getByRole('button', { name: 'Add tier' }).click();
    await page.getByRole('region', { name: 'tier premium' }).waitFor();
    await page.getByRole('button', { name: 'Remove tier premium' }).click();
    expect(await page.getByText(/Tiers-1/).count()).toBe(0);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText(MODEL).first().waitFor();
    await screenshot('review-simulator');
    // Nothing of vLLM's for a simulator model.
    for (const vllm of ['hf://', 'GPUs', '16Gi', 'Model source'])
      expect(await page.getByText(vllm).count()).toBe(0);
  });

  it('creates the model and opens its page as soon as the run ends', async () => {
    await page.getByRole('button', { name: 'Create' }).click();
    const link = page.getByRole('link', {
      name: /Open the model in the catalog/i,
    });
    await link.waitFor({ timeout: 120_000 });
    const runEnded = Date.now();
    await screenshot('create-model-done');
    await link.click();
    // The entity page, not "Entity not found": its Usage tab is there, with the model's health.
    await page
      .getByText('Usage', { exact: true })
      .first()
      .waitFor()
      .catch(async error => {
        await screenshot('model-page-not-shown');
        throw error;
      });
    figures.modelPageAfterRunMs = Date.now() - runEnded;
    expect(await page.getByText(/not found/i).count()).toBe(0);
    await page.getByText('Usage', { exact: true }).first().click();
    await page.getByLabel('Health', { exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(
      `/catalog/default/component/${MODEL}/usage`,
    );
    await screenshot('model-page-after-run');
    const limits = await kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'kuadrant.io',
        version: 'v1',
        plural: 'ratelimitpolicies',
        namespace: 'llm',
        name: `${MODEL}-rate-limits`,
      });
    expect(Object.keys((limits as any).spec.limits)).toEqual([
      'free-user-requests',
    ]);
    expect((limits as any).spec.limits['free-user-requests'].rates).toEqual([
      { limit: 7, window: '1m' },
    ]);
  });

  it("shows the model's own objects on the Kubernetes tab, with their conditions", async () => {
    // The harness runs no KServe controller: create the predictor pod as KServe labels it.
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: 'llm',
      body: {
        metadata: {
          name: `${MODEL}-predictor-harness`,
          labels: { 'serving.kserve.io/inferenceservice': MODEL },
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
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/kubernetes`,
    );
    await page.getByText('1 pod', { exact: true }).waitFor({ timeout: 60_000 });
    // The only warning may be the pod metrics': the harness runs no metrics-server (a cluster
    // entry with skipMetricsLookup: true has none). No kind the cluster lacks is asked for.
    const warning = page.getByText(/problem retrieving Kubernetes objects/);
    let warned = '';
    if (await warning.count()) {
      await warning.click();
      warned = await page
        .locator('.MuiAccordion-root')
        .filter({ has: warning })
        .first()
        .innerText();
      console.log(`Kubernetes tab warning: ${warned}`);
    }
    const fetchErrors = warned.match(
      /Error fetching Kubernetes resource: '[^']+'/g,
    );
    expect(
      (fetchErrors ?? []).filter(e => !e.includes('/apis/metrics.k8s.io/')),
    ).toEqual([]);
    await page.getByText('harness', { exact: true }).first().click();
    for (const object of [
      MODEL,
      `${MODEL}-route`,
      `${MODEL}-auth`,
      `${MODEL}-rate-limits`,
      `${MODEL}-token-limits`,
    ])
      await page
        .locator('.MuiAccordionSummary-root')
        .getByText(object, { exact: true })
        .first()
        .waitFor()
        .catch(async error => {
          await screenshot('kubernetes-tab-without-custom-resources');
          throw error;
        });
    await screenshot('kubernetes-tab-custom-resources');
    // A policy's conditions, as kuadrant-operator wrote them.
    const policy = page
      .locator('.MuiAccordion-root')
      .filter({ has: page.getByText(`${MODEL}-auth`, { exact: true }) })
      .last();
    await policy.locator('.MuiAccordionSummary-expandIcon').click();
    await policy
      .getByText(/Accepted/)
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await policy.getByText(/Accepted/).count()).toBeGreaterThan(0);
    await screenshot('kubernetes-tab-policy-conditions');
  });
});
