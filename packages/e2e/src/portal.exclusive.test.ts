/**
 * @jest-environment node
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Page } from 'playwright-core';
import {
  artifactsDir,
  createSimulatorModel,
  eventually,
  guestToken,
  kubernetesTabFetchErrors,
  kubernetesTabModelObjects,
  screenshots,
  sendKeyRequest,
  shownKeyValue,
} from './browserHelpers';
import {
  createPredictorPod,
  keySecrets as modelKeySecrets,
  openPortalSession,
  Portal,
  PortalSession,
  reportFigures,
} from './portalSession';

// The whole flow of a developer and an approver in the real portal, in Debian's Chromium, on the
// harness's API server and Prometheus. Runs alone (`*.exclusive.*`): it starts the whole portal.
jest.setTimeout(600_000);

const ARTIFACTS = artifactsDir();
const MODEL = 'simulator';

describe('the MaaS portal in a browser', () => {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  const timings: Record<string, number> = {};
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string) => shoot(page, name);
  const keySecrets = () => modelKeySecrets(session.kc, MODEL);

  beforeAll(async () => {
    session = await openPortalSession({ production: true });
    portal = session.portal;
    timings.bundleMs = session.bundle!.ms;
    timings.portalStartMs = session.portalStartMs;
    page = await session.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    reportFigures('E2E figures (ms)', timings, ARTIFACTS, 'timings.json');
    await session?.close();
  });

  it('signs in as guest', async () => {
    await page.goto(portal.appUrl);
    await page.getByRole('button', { name: /enter/i }).click();
    // Signed in, on the Home page, which app-config.yaml mounts at the root; the sidebar leads
    // to the Models page.
    await page
      .getByRole('link', { name: 'Models', exact: true })
      .first()
      .waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await screenshot('home');
  });

  it('creates a simulator model with "Create model"', async () => {
    await createSimulatorModel(page, portal.appUrl, MODEL, step =>
      screenshot(`create-model-${step}`),
    );
    const isvc = await session.kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'serving.kserve.io',
        version: 'v1beta1',
        plural: 'inferenceservices',
        namespace: 'llm',
        name: MODEL,
      });
    expect((isvc as any).spec.predictor.containers[0].image).toContain(
      'llm-d-inference-sim',
    );
  });

  it("shows the model's Usage tab with its health, charts, free tier limit and endpoint (load times recorded, not checked)", async () => {
    // The catalog module registers the model from the cluster within seconds.
    const token = await guestToken(page, portal.backendUrl);
    await eventually('the model entity to appear in the catalog', async () => {
      const r = await fetch(
        `${portal.backendUrl}/api/catalog/entities/by-name/component/default/${MODEL}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      return r.ok ? true : undefined;
    });
    // A full page load, then the in-app navigation a user makes.
    let start = Date.now();
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/usage`,
    );
    await page.getByLabel('Health', { exact: true }).waitFor();
    timings.usageFirstContentFullLoadMs = Date.now() - start;
    await page.locator('.recharts-surface').first().waitFor();
    timings.usageChartsFullLoadMs = Date.now() - start;
    await page.getByText('Overview', { exact: true }).click();
    await page.getByText('Provided APIs').waitFor();
    start = Date.now();
    await page.getByText('Usage', { exact: true }).click();
    await page.getByLabel('Health', { exact: true }).waitFor();
    timings.usageFirstContentMs = Date.now() - start;
    await page.locator('.recharts-surface').first().waitFor();
    timings.usageChartsMs = Date.now() - start;
    await page.getByText('5 per 2m').waitFor();
    await expect(
      page.getByText('http://simulator.maas.local').first().isVisible(),
    ).resolves.toBe(true);
    await page
      .getByText(/authorized calls/)
      .first()
      .waitFor();
    await screenshot('usage-tab');
  });

  it('issues a free-tier key at once, shows it once, and lists it under My API keys', async () => {
    await sendKeyRequest(
      page,
      'free',
      'Trying the simulator from a notebook',
      'notebook',
    );
    const value = await shownKeyValue(page);
    expect(value).toMatch(/^maas_[A-Za-z0-9_-]{43}$/);
    await page
      .getByText('This key will not be shown again. Store it now.')
      .waitFor();
    await screenshot('key-revealed-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();

    const secrets = await keySecrets();
    expect(secrets).toHaveLength(1);
    expect(Buffer.from(secrets[0].data!.api_key, 'base64').toString()).toBe(
      value,
    );
    expect(secrets[0].metadata!.annotations!['kuadrant.io/groups']).toBe(
      'free',
    );

    await page.goto(`${portal.appUrl}/maas/keys`);
    const prefix = value.slice(0, 9);
    const revoke = page.getByRole('button', {
      name: new RegExp(`^Revoke key ${prefix}`),
    });
    await revoke.waitFor();
    await expect(page.getByText(value).count()).resolves.toBe(0);
    // The key's name in its row, and the model as a link to its catalog page, not `llm/simulator`.
    const row = page.getByRole('row').filter({ hasText: prefix });
    await row.getByRole('cell', { name: 'notebook', exact: true }).waitFor();
    const modelLink = row.getByRole('link', { name: MODEL });
    await expect(modelLink.getAttribute('href')).resolves.toBe(
      `/catalog/default/component/${MODEL}`,
    );
    await expect(page.getByText(`llm/${MODEL}`).count()).resolves.toBe(0);
    await screenshot('my-api-keys');
    await revoke.click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Revoke' })
      .click();
    await page.getByText('revoked').first().waitFor();
    await eventually('the key Secret to be deleted', async () =>
      (await keySecrets()).length === 0 ? true : undefined,
    );
    await screenshot('key-revoked');
  });

  it('lets an approver approve a premium request, which issues its key', async () => {
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/usage`,
    );
    await sendKeyRequest(
      page,
      'premium',
      'Load test of the team chat bot',
      'chat-bot-load',
    );
    await page.getByText(/waits for an approver/).waitFor();
    await screenshot('premium-request-pending');
    expect(await keySecrets()).toHaveLength(0);

    await page.goto(`${portal.appUrl}/maas/approvals`);
    // The queue names the key and links the model.
    const queued = page
      .getByRole('row')
      .filter({ hasText: 'chat-bot-load' })
      .filter({ has: page.getByRole('checkbox') });
    await queued.getByRole('link', { name: MODEL }).waitFor();
    await page.getByRole('checkbox', { name: /at tier premium/ }).check();
    await page.getByLabel('Comment').fill('Approved for the load test');
    await page.getByRole('button', { name: 'Approve (1)' }).click();
    // Self-approval is on (one guest is the admin): the key is the approver's own, shown once.
    await page.getByText(/You approved your own request/).waitFor();
    const value = await shownKeyValue(page);
    expect(value).toMatch(/^maas_[A-Za-z0-9_-]{43}$/);
    await screenshot('approvals-own-key-shown-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByLabel('Decision results').waitFor();
    await screenshot('approvals');
    const secrets = await eventually('the premium key Secret', async () => {
      const items = await keySecrets();
      return items.length === 1 ? items : undefined;
    });
    expect(secrets[0].metadata!.annotations!['kuadrant.io/groups']).toBe(
      'premium',
    );
  });

  it('rejects a request only with a comment and a confirmation; the requester then reads "rejected: <comment>"', async () => {
    const comment = 'Use premium for the demo';
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/usage`,
    );
    await sendKeyRequest(
      page,
      'enterprise',
      'Nightly batch of summaries',
      'nightly-batch',
    );
    await page.getByText(/waits for an approver/).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();

    await page.goto(`${portal.appUrl}/maas/approvals`);
    await page.getByRole('checkbox', { name: /at tier enterprise/ }).check();
    await page.getByRole('button', { name: 'Reject (1)' }).click();
    await page.getByText(/A rejection needs a comment/).waitFor();
    await page.getByLabel('Comment').fill(comment);
    await page.getByRole('button', { name: 'Reject (1)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reject 1 key request?' });
    await confirm.getByText(`rejected: ${comment}`).waitFor();
    await screenshot('reject-confirmation');
    await confirm.getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel('Decision results').getByText('1 rejected').waitFor();
    // The audit history reads as sentences: no UUIDs, no Secret names.
    await page
      .getByText(/rejected their own enterprise key request “nightly-batch”/)
      .first()
      .waitFor();
    await expect(page.getByText(/maas-key-/).count()).resolves.toBe(0);
    await screenshot('audit-sentences');

    // The requester sees the decision on My API keys and on the model's Usage tab.
    await page.goto(`${portal.appUrl}/maas/keys`);
    const rejected = page.getByRole('row').filter({ hasText: 'nightly-batch' });
    await rejected.getByText(`rejected: ${comment}`).waitFor();
    await rejected.getByRole('link', { name: MODEL }).waitFor();
    await screenshot('requester-sees-rejection');
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/usage`,
    );
    await page.getByText(`rejected: ${comment}`).waitFor();
    await screenshot('usage-tab-decisions');
  });

  it("has the standard Kubernetes tab beside Usage, finding a pod labelled as the model's predictor (made by the test: the harness runs no KServe controller) and the model's own objects", async () => {
    await createPredictorPod(session.kc, MODEL);
    await page.goto(
      `${portal.appUrl}/catalog/default/component/${MODEL}/kubernetes`,
    );
    await page
      // The plugin's versions name the cluster "Cluster: harness" or "harness" over "Cluster".
      .getByText(/^(Cluster: )?harness$/)
      .first()
      .waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByText('1 pod', { exact: true }).waitFor();
    // No warning at all: the harness's cluster entry skips the pod-metrics lookup (no
    // metrics-server), and every kind the tab asks for is served by the cluster.
    expect(await kubernetesTabFetchErrors(page)).toEqual([]);
    await expect(
      page.getByText(/problem retrieving Kubernetes objects/).count(),
    ).resolves.toBe(0);
    // The model's own objects, which Create model labelled with the entity's label selector.
    await kubernetesTabModelObjects(page, MODEL);
    // Still on the Kubernetes tab's own route: the entity page did not send us elsewhere.
    expect(new URL(page.url()).pathname).toBe(
      `/catalog/default/component/${MODEL}/kubernetes`,
    );
    await screenshot('kubernetes-tab');
  });
});
