/**
 * @jest-environment node
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Page } from 'playwright-core';
import {
  artifactsDir,
  chooseOwnerAndSimulator,
  kubernetesTabFetchErrors,
  kubernetesTabModelObjects,
  screenshots,
  signInAsGuest,
} from './browserHelpers';
import {
  createPredictorPod,
  openPortalSession,
  Portal,
  PortalSession,
  reportFigures,
} from './portalSession';

// "Create model" as a developer fills it in, in Debian's Chromium: the form's own checks as typed,
// a simulator model with custom tiers, its page opening as soon as the run ends, and its objects
// on the Kubernetes tab. Runs alone (`*.exclusive.*`): it starts the whole portal.
jest.setTimeout(600_000);

const ARTIFACTS = artifactsDir('create');
const MODEL = 'sim-create';

describe('Create model in a browser', () => {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  const figures: Record<string, number> = {};
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string) => shoot(page, name);

  beforeAll(async () => {
    session = await openPortalSession({ production: false });
    portal = session.portal;
    page = await session.browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    // Eight engineers share two cores: generous timeouts, so that a busy machine is no failure.
    page.setDefaultTimeout(60_000);
    // The dev bundle's first load is slow on a busy machine.
    await signInAsGuest(page, portal.appUrl, { timeout: 180_000 });
  });

  afterAll(async () => {
    reportFigures('Create model figures (ms)', figures, ARTIFACTS);
    await session?.close();
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
    await chooseOwnerAndSimulator(page);

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
    const limits = await session.kc
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
    await createPredictorPod(session.kc, MODEL);
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/kubernetes`,
    );
    await page.getByText('1 pod', { exact: true }).waitFor({ timeout: 60_000 });
    // The only warning may be the pod metrics': the harness runs no metrics-server (a cluster
    // entry with skipMetricsLookup: true has none). No kind the cluster lacks is asked for.
    expect(
      (await kubernetesTabFetchErrors(page)).filter(
        e => !e.includes('/apis/metrics.k8s.io/'),
      ),
    ).toEqual([]);
    await kubernetesTabModelObjects(page, MODEL).catch(async error => {
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
