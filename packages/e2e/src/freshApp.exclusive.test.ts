/**
 * @jest-environment node
 */
import { harnessEnv } from '@maas-portal/harness/testing';
import { ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import {
  artifactsDir,
  launchChromium,
  screenshots,
  signInAsGuest,
} from './browserHelpers';
import { deleteModelsOfEarlierTests } from './cleanSlate';
import {
  addAppConfig,
  addAppFeature,
  addBackendFeatures,
  addPackages,
  appShellEnv,
  lockfileProblems,
  readmeSteps,
  repoRoot,
  run,
  tarballs,
} from './freshApp';
import {
  ensureGateway,
  freePort,
  harnessKubeConfig,
  reportFigures,
} from './portalSession';

// Issue #21: a platform team adds the suite to the Backstage it already runs. A new app from
// @backstage/create-app (the version of packages/e2e/freshApp.json, from the npm registry, cached
// by scripts/create-fresh-app.sh), the six plugins packed as a registry would serve them
// (scripts/pack-plugins.sh), nothing of the monorepo: README.md's "Install into your own
// Backstage" followed from its own code blocks, then built, started on SQLite with create-app's
// guest sign-in against the harness's cluster and Prometheus, and used in Chromium. Runs alone
// (`*.exclusive.*`): it builds a whole app and starts its backend.
jest.setTimeout(45 * 60_000);

const ARTIFACTS = artifactsDir('fresh-app', { fresh: true });
const MODEL = 'simulator';
/**
 * Always the same folder: the cached app is only used where it was installed (see
 * scripts/create-fresh-app.sh).
 */
const APP = join(tmpdir(), 'maas-fresh-app', 'app');

describe('a Backstage app fresh from @backstage/create-app, with the packed suite installed as the README says', () => {
  const work = mkdtempSync(join(tmpdir(), 'maas-fresh-app-run-'));
  const logFile = join(work, 'steps.log');
  const timings: Record<string, number | string> = {};
  const step = readmeSteps();
  // The README's build commands, then the one that starts the backend (it stays up).
  const buildAndStart = step('build-and-start').split('\n').filter(Boolean);
  const buildCommands = buildAndStart.slice(0, -1);
  const startCommand = buildAndStart[buildAndStart.length - 1];
  let backend: ChildProcess | undefined;
  let backendExited: Promise<void> | undefined;
  let backendLog: string;
  let appUrl: string;
  let browser: Browser | undefined;
  let page: Page;
  const shoot = screenshots(ARTIFACTS);
  const screenshot = (name: string) => shoot(page, name);

  /**
   * Each part needs the one before: after a failure the later ones fail at once, naming it,
   * instead of each waiting out its own timeouts.
   */
  let failed: string | undefined;
  async function inOrder(fn: () => Promise<void>) {
    if (failed)
      throw new Error(`not run: an earlier part failed ("${failed}")`);
    try {
      await fn();
    } catch (error) {
      failed = expect.getState().currentTestName;
      throw error;
    }
  }

  /** Runs `fn` as the named part of the test, timed into the figures. */
  async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - started;
    }
  }

  afterAll(async () => {
    await browser?.close();
    if (backend?.pid) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
        const killed = setTimeout(
          () => process.kill(-backend!.pid!, 'SIGKILL'),
          10_000,
        );
        await backendExited;
        clearTimeout(killed);
      } catch {
        // Already gone.
      }
    }
    reportFigures(
      `Fresh app figures (ms; logs in ${work})`,
      timings,
      ARTIFACTS,
      'timings.json',
    );
  });

  it('packs the plugins, creates the app and adds them from their tarballs only', async () => {
    await inOrder(async () => {
      // MAAS_FRESH_APP_TARBALLS: a folder scripts/pack-plugins.sh already filled (in CI, by an
      // earlier step); else they are packed here from the work tree.
      const given = process.env.MAAS_FRESH_APP_TARBALLS;
      const tarballDir = given ?? join(work, 'tarballs');
      if (!given)
        await timed('pack', () =>
          run('pack the plugins', `scripts/pack-plugins.sh ${tarballDir}`, {
            cwd: repoRoot,
            logFile,
          }),
        );
      const packed = tarballs(tarballDir);
      expect([...packed.keys()].sort()).toEqual([
        '@maas-portal/plugin-catalog-backend-module-maas',
        '@maas-portal/plugin-maas',
        '@maas-portal/plugin-maas-backend',
        '@maas-portal/plugin-maas-common',
        '@maas-portal/plugin-maas-node',
        '@maas-portal/plugin-scaffolder-backend-module-maas',
      ]);
      await timed('create or copy the app', () =>
        run('create the app', `scripts/create-fresh-app.sh ${APP}`, {
          cwd: repoRoot,
          logFile,
        }),
      );
      // How scripts/create-fresh-app.sh got it: created (cold), copied from the cache, or the
      // kept app put back (warm).
      timings.app =
        /(put back|copied|created) the app/.exec(
          readFileSync(logFile, 'utf8'),
        )?.[1] ?? 'unknown';
      await timed('add the packages', () =>
        addPackages(APP, step('add-packages'), packed, logFile),
      );
      expect(lockfileProblems(APP, packed)).toEqual([]);
    });
  });

  it("applies the README's code and configuration, and builds the app as it says", async () => {
    await inOrder(async () => {
      addBackendFeatures(APP, step('backend'));
      addAppFeature(APP, step('app'));
      addAppConfig(APP, step('app-config'));
      for (const command of buildCommands)
        await timed(command, () =>
          run('build-and-start', command, { cwd: APP, logFile }),
        );
      // The backend's bundle, and the frontend's build that it serves.
      expect(
        existsSync(join(APP, 'packages', 'backend', 'dist', 'bundle.tar.gz')),
      ).toBe(true);
      expect(
        existsSync(join(APP, 'packages', 'app', 'dist', 'index.html')),
      ).toBe(true);
    });
  });

  it('starts its backend, which serves the built frontend, on SQLite against the harness', async () => {
    await inOrder(async () => {
      const kc = harnessKubeConfig();
      // The platform: the Gateway model routes attach to; and no model of an earlier browser test.
      await ensureGateway(kc);
      await deleteModelsOfEarlierTests(kc);
      const port = await freePort();
      appUrl = `http://127.0.0.1:${port}`;
      // Where this machine serves the app: the README's configuration is in app-config.yaml.
      writeFileSync(
        join(APP, 'app-config.local.yaml'),
        JSON.stringify({
          app: { baseUrl: appUrl },
          backend: {
            baseUrl: appUrl,
            listen: { host: '127.0.0.1', port },
            cors: { origin: appUrl },
          },
        }),
      );
      backendLog = join(work, 'backend.log');
      backend = spawn('bash', ['-c', startCommand], {
        cwd: APP,
        detached: true,
        stdio: ['ignore', openSync(backendLog, 'a'), openSync(backendLog, 'a')],
        env: appShellEnv({
          NODE_ENV: 'development',
          MAAS_KUBECONFIG: harnessEnv('MAAS_HARNESS_KUBECONFIG'),
          MAAS_PROMETHEUS_URL: harnessEnv('MAAS_HARNESS_PROMETHEUS_URL'),
        }),
      });
      let exited = false;
      backendExited = new Promise(r =>
        backend!.once('exit', () => {
          exited = true;
          r();
        }),
      );
      const tail = () =>
        readFileSync(backendLog, 'utf8').split('\n').slice(-30).join('\n');
      await timed('start the backend', async () => {
        const deadline = Date.now() + 300_000;
        for (;;) {
          if (exited)
            throw new Error(
              `fresh app, step "build-and-start" (${startCommand}): the backend exited; ${backendLog} ends with:\n${tail()}`,
            );
          const status = await fetch(`${appUrl}/api/maas/status`)
            .then(r => r.status)
            .catch(() => 0);
          // Up, the MaaS plugin mounted and asking who calls (401 without a token), and not a
          // startup error of another plugin in the log (the backend stays up after one).
          if (status === 401) {
            if (/Backend startup failed/.test(readFileSync(backendLog, 'utf8')))
              throw new Error(
                `fresh app, step "build-and-start" (${startCommand}): a plugin failed to start; ${backendLog} ends with:\n${tail()}`,
              );
            if ((await fetch(appUrl)).ok) break;
          }
          if (Date.now() > deadline)
            throw new Error(
              `fresh app, step "build-and-start" (${startCommand}): the backend did not answer /api/maas/status within 300 s; ${backendLog} ends with:\n${tail()}`,
            );
          await new Promise(r => setTimeout(r, 1000));
        }
      });
      // The backend serves the frontend's build itself: no dev server runs.
      const html = await (await fetch(appUrl)).text();
      expect(html).toContain('<script');
    });
  });

  it('signs in as guest and offers Create model in /create, which makes a model', async () => {
    await inOrder(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.setDefaultTimeout(60_000);
      await timed('browser: sign in', () => signInAsGuest(page, appUrl));
      await timed('browser: Create model', async () => {
        await page.goto(`${appUrl}/create`);
        // The template's card: the innermost card with its title and a Choose button (the page's
        // list of templates is a card too).
        const card = page
          .locator('.MuiCard-root')
          .filter({ hasText: 'Create model' })
          .filter({ has: page.getByRole('button', { name: 'Choose' }) })
          .last();
        await card.waitFor();
        await screenshot('create');
        await card.getByRole('button', { name: 'Choose' }).click();
        await page.getByLabel('Model name').fill(MODEL);
        // The owner: create-app's example group of its guest user (examples/org.yaml).
        await page.getByLabel('Owner').fill('guests');
        await page.getByRole('option', { name: 'guests' }).click();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.locator('#root_serving_type').click();
        await page.getByRole('option', { name: 'Simulator (no GPU)' }).click();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByRole('button', { name: 'Review' }).click();
        await page.getByRole('button', { name: 'Create' }).click();
        const done = page.getByRole('link', {
          name: /Open the model in the catalog/i,
        });
        await done.waitFor({ timeout: 120_000 });
        await screenshot('create-model-done');
        expect(await done.getAttribute('href')).toContain(
          `/catalog/default/component/${MODEL}`,
        );
      });
    });
  });

  it('lists the model on the Models page', async () => {
    await inOrder(async () => {
      await timed('browser: Models page', async () => {
        await page
          .getByRole('link', { name: 'Models', exact: true })
          .first()
          .click();
        // Create model waited for the catalog to have it; the page reads the catalog.
        await page
          .getByRole('link', { name: MODEL, exact: true })
          .first()
          .waitFor();
        expect(new URL(page.url()).pathname).toBe('/maas/models');
        await screenshot('models');
      });
    });
  });

  it("shows the model's Usage tab with its tiers and Request key", async () => {
    await inOrder(async () => {
      await timed('browser: Usage tab', async () => {
        await page
          .getByRole('link', { name: MODEL, exact: true })
          .first()
          .click();
        await page.getByText('Usage', { exact: true }).click();
        const tiers = page
          .getByRole('table')
          .filter({ has: page.getByText('Approval', { exact: true }) });
        for (const tier of ['free', 'premium', 'enterprise'])
          await tiers.getByRole('cell', { name: tier, exact: true }).waitFor();
        await page.getByRole('button', { name: 'Request key' }).waitFor();
        expect(new URL(page.url()).pathname).toBe(
          `/catalog/default/component/${MODEL}/usage`,
        );
        await screenshot('usage');
      });
    });
  });
});
