import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { maasPlugin } from './plugin';

/** A port that nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

function kubeconfigFor(server: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'maas-kubeconfig-')), 'config');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

/** A GET on the plugin as one caller (one of `mockCredentials`). */
const getAs = (
  server: Parameters<typeof request>[0],
  path: string,
  caller: { header(): string },
) => request(server).get(path).set('Authorization', caller.header());

/** The plugin with a catalog and the given root config, in a test backend. */
const startPlugin = (data: object = {}) =>
  startTestBackend({
    features: [
      maasPlugin,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data }),
    ],
  });

describe('maas backend plugin', () => {
  // These tests mean "no cluster": a developer's own kubeconfig must not count.
  const kubeconfig = process.env.KUBECONFIG;
  beforeAll(() => {
    process.env.KUBECONFIG = '/nonexistent/kubeconfig';
  });
  afterAll(() => {
    if (kubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = kubeconfig;
  });

  it('rejects requests without credentials', async () => {
    const { server } = await startPlugin();
    const res = await getAs(server, '/api/maas/status', mockCredentials.none);
    expect(res.status).toBe(401);
  });

  it('gives the catalog module no model entities when no cluster is configured, and users none at all', async () => {
    const { server } = await startPlugin();
    const asService = await getAs(
      server,
      '/api/maas/catalog/entities',
      mockCredentials.service,
    );
    expect(asService.status).toBe(200);
    expect(asService.body).toEqual({ entities: [], rejected: [] });
    const asUser = await getAs(
      server,
      '/api/maas/catalog/entities',
      mockCredentials.user,
    );
    expect(asUser.status).toBe(403);
  });

  it('says plainly when the cluster and Prometheus cannot be reached, without their addresses to a non-admin', async () => {
    const port = await closedPort();
    const { server } = await startPlugin({
      maas: {
        cluster: {
          kubeconfig: kubeconfigFor(`https://127.0.0.1:${port}`),
          requestTimeoutMs: 2000,
        },
        prometheus: { url: `http://127.0.0.1:${port}`, timeoutMs: 2000 },
      },
    });
    const res = await getAs(server, '/api/maas/status', mockCredentials.user);
    expect(res.status).toBe(200);
    expect(res.body.cluster.state).toBe('unreachable');
    expect(res.body.cluster.message).toMatch(
      /API server at \[shown to admins\] is unreachable: connection refused/,
    );
    expect(res.body.prometheus.state).toBe('unreachable');
    expect(res.body.prometheus.message).toMatch(
      /Prometheus at \[shown to admins\] is unreachable \(ECONNREFUSED\)/,
    );
    // The mock user is in no admin group: no URL, no kubeconfig path.
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|kubeconfig-/);
    expect(res.body.tiers.map((t: { name: string }) => t.name)).toEqual([
      'free',
      'premium',
      'enterprise',
    ]);
  });

  it('refuses to start on an invalid tier window', async () => {
    await expect(
      startPlugin({
        maas: {
          tiers: [
            {
              name: 'free',
              requests: { limit: 5, window: '1d' },
              tokens: { limit: 10, window: '1m' },
              approval: 'auto',
            },
          ],
        },
      }),
    ).rejects.toThrow(/maas\.tiers\[0\]\.requests\.window/);
  });
});
