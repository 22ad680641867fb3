/**
 * @jest-environment node
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Locator, Page } from 'playwright-core';
import {
  artifactsDir,
  createSimulatorModel,
  screenshots,
  sendKeyRequest,
  signInAsGuest,
} from './browserHelpers';
import { openPortalSession, Portal, PortalSession } from './portalSession';

// Quota left, why calls were refused and whether token limits are counted, in the real portal in
// Debian's Chromium, on the harness's API server and Prometheus (its seeded data: refusals by
// limit name on llm/simulator-route, none named on llm/qwen3-route, qwen3's vLLM tokens 30 % above
// Limitador's). No Limitador server can be built from the package registries here, so
// maas.limitador.url points at a stand-in that answers `GET /counters/{namespace}` in Limitador's
// documented shape (Kuadrant/limitador limitador-server/docs/http_server_spec.json, `Counter`),
// with the limits as the real kuadrant-operator writes them. Runs alone: it starts the portal.
jest.setTimeout(900_000);

const ARTIFACTS = artifactsDir('usage');
/** The guest's id at the gateway (`user:default/guest` → `guest`). */
const GUEST = 'guest';

/** When the stand-in's windows started. */
const started = Date.now() / 1000;

/** A counter of one of the guest's limits, as Limitador lists it. */
function counter(
  limitName: string,
  max: number,
  seconds: number,
  remaining: number,
) {
  return {
    limit: {
      namespace: 'llm/simulator-route',
      max_value: max,
      seconds,
      conditions: [
        `descriptors[0]["limit.${limitName.replace(
          /-/g,
          '_',
        )}__ce4d9058"] == "1"`,
      ],
      variables: ['descriptors[0]["auth.identity.userid"]'],
    },
    set_variables: { 'descriptors[0]["auth.identity.userid"]': GUEST },
    remaining,
    // Windows that started when the stand-in did.
    expires_in_seconds:
      seconds - (Math.floor(Date.now() / 1000 - started) % seconds),
  };
}

describe('quota left, refused calls and token counting in a browser', () => {
  let session: PortalSession;
  let portal: Portal;
  let page: Page;
  let limitador: Server;
  const asked: string[] = [];
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string, element?: Locator) =>
    shoot(page, name, element);
  const card = (title: string) =>
    page
      .getByText(title, { exact: true })
      .first()
      .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');

  async function createModel(name: string) {
    await createSimulatorModel(page, portal.appUrl, name);
    // The catalog module registers the model from the cluster within seconds.
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.goto(
        `${portal.appUrl}/catalog/default/component/${name}/usage`,
      );
      const found = await page
        .getByLabel('Health', { exact: true })
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (found) return;
      if (Date.now() > deadline)
        throw new Error(`the ${name} entity did not appear within 60 s`);
    }
  }

  beforeAll(async () => {
    limitador = createServer((req, res) => {
      const namespace = decodeURIComponent(
        (req.url ?? '').replace(/^\/counters\//, ''),
      );
      asked.push(namespace);
      const body =
        namespace === 'llm/simulator-route'
          ? [
              counter('free-user-requests', 5, 120, 3),
              counter('free-user-tokens', 100000, 60, 98250),
            ]
          : [];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>(r => limitador.listen(0, '127.0.0.1', r));
    session = await openPortalSession({
      production: true,
      maas: {
        limitador: {
          url: `http://127.0.0.1:${(limitador.address() as AddressInfo).port}`,
        },
      },
    });
    portal = session.portal;
    page = await session.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    page.setDefaultTimeout(30_000);
    await signInAsGuest(page, portal.appUrl);
  });

  afterAll(async () => {
    console.log(`Usage e2e screenshots in ${ARTIFACTS}`);
    await session?.close();
    await new Promise(r => limitador?.close(r));
  });

  it('says a user without a key has no quota, and shows admins which limits refused whom', async () => {
    await createModel('simulator');
    const quota = card('Your quota left');
    await quota.getByText(/You have no working key for this model/).waitFor();
    await quota
      .getByLabel('Refused calls')
      .getByText('No call refused in the last 24 hours.')
      .waitFor();
    // The guest is an admin: everyone's refusals per user and limit, from limited_calls by limit_name.
    const table = page.getByText('Refused calls per user, last 24 hours');
    await table.waitFor();
    await expect(
      quota
        .getByRole('row', { name: /freeuser1 free free-user-requests \d+/ })
        .count(),
    ).resolves.toBe(1);
    await expect(
      quota.getByText('not reported (telemetry is not exhaustive)').count(),
    ).resolves.toBe(0);
    // Whether Limitador counts the model's tokens: the simulator's vLLM and Limitador agree.
    await page
      .getByLabel('Token limits')
      .getByText(
        /Token limits are counted: the model served [\d,]+ tokens in the last hour/,
      )
      .waitFor();
    await screenshot('usage-refusals-per-user');
  });

  it('shows the quota left live from Limitador once the user has a key, on the Usage tab', async () => {
    await sendKeyRequest(page, 'free', 'Checking my quota');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    const free = card('Your quota left').getByLabel('Quota of tier free');
    await free
      .getByText(
        /^Requests: 3 of 5 requests left in this 2 m window, resets in \d+ s$/,
      )
      .waitFor();
    await free
      .getByText(
        /^Tokens: 98,250 of 100,000 tokens left in this 1 m window, resets in \d+ s$/,
      )
      .waitFor();
    await card('Your quota left').getByText('live, from Limitador').waitFor();
    expect(asked).toContain('llm/simulator-route');
    await screenshot('usage-quota-left', card('Your quota left'));
    await screenshot('usage-tab-with-quota');
  });

  it('shows the quota left and refused calls per model and tier on My API keys', async () => {
    await page.goto(`${portal.appUrl}/maas/keys`);
    const simulator = page.getByLabel('Quota on simulator');
    await simulator
      .getByText(/3 of 5 requests left in this 2 m window, resets in \d+ s/)
      .waitFor();
    await simulator
      .getByText(/^Key maas_\S+ of tier free, counted per user and tier/)
      .waitFor();
    await simulator
      .getByText('No call refused in the last 24 hours.')
      .waitFor();
    // One model with working keys: one section, asked of the backend once.
    await expect(page.getByLabel(/^Quota on /).count()).resolves.toBe(1);
    await screenshot('my-api-keys-quota');
  });

  it("warns on the health card that a model's token limits are not counted, with the figures, and that limit names are not reported", async () => {
    await createModel('qwen3');
    const line = page.getByLabel('Token limits');
    await line
      .getByText(
        /Token limits are not being counted: the model served [\d,]+ tokens in the last hour and Limitador counted [\d,]+: \d+(\.\d)? % uncounted/,
      )
      .waitFor();
    await line.getByText(/stream_options/).waitFor();
    // The seeded data leaves 30 % of qwen3's tokens uncounted.
    expect(await line.textContent()).toMatch(/: 30(\.\d)? % uncounted/);
    await page
      .getByText('not reported (telemetry is not exhaustive)')
      .first()
      .waitFor();
    await page
      .getByText(/telemetry: exhaustive/)
      .first()
      .waitFor();
    await screenshot('health-tokens-not-counted', card('Health'));
    await screenshot('usage-qwen3-refusals-without-limit-names');
  });
});
