import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import {
  kubeConfigOptionsFor,
  TELEMETRY_POLICY,
} from '@maas-portal/plugin-maas-node';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ResourceCache } from './ResourceCache';

describe('ResourceCache before its first sync', () => {
  let server: Server;
  let lists = 0;
  const watches: ServerResponse[] = [];

  beforeAll(async () => {
    // The first LIST is answered as a new CRD's initializing watch cache answers it.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('watch=true')) {
        watches.push(res);
        return;
      }
      lists += 1;
      if (lists === 1) {
        res.statusCode = 429;
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            message: 'storage is (re)initializing',
            code: 429,
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          kind: 'TelemetryPolicyList',
          metadata: { resourceVersion: '1' },
          items: [],
        }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => {
    watches.forEach(w => w.destroy());
    server.close();
  });

  it('keeps starting through a 429 and syncs on the retry', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions(
      kubeConfigOptionsFor({
        name: 'fake',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        token: 't',
        skipTLSVerify: true,
      }),
    );
    const cache = new ResourceCache({
      kubeConfig,
      kind: TELEMETRY_POLICY,
      logger: mockServices.logger.mock(),
      timeoutMs: 5000,
    });
    cache.start();
    try {
      const status = await cache.ready(10_000);
      expect(lists).toBe(2);
      expect(status).toMatchObject({ state: 'synced', ageSeconds: 0 });
      expect(status.failure).toBeUndefined();
    } finally {
      await cache.stop();
    }
  });
});
