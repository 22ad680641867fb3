import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MaasModelEntityProvider } from './MaasModelEntityProvider';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'qwen3' },
  spec: { type: 'model-server', owner: 'team-a', lifecycle: 'production' },
};

describe('MaasModelEntityProvider', () => {
  let server: Server;
  let answer: { status: number; body: unknown };
  /** Answers given before `answer`, one per request: the backend's cache catching up. */
  let earlier: Array<{ status: number; body: unknown }>;
  let requests: IncomingMessage[];
  let provider: MaasModelEntityProvider;
  let connection: { applyMutation: jest.Mock; refresh: jest.Mock };
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      const { status, body } = earlier.shift() ?? answer;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/maas`;
    provider = new MaasModelEntityProvider({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      auth: mockServices.auth(),
      logger,
    });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    requests = [];
    earlier = [];
    connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection as unknown as EntityProviderConnection);
  });

  it('replaces its entities with what the MaaS backend reads from the cluster, as a service', async () => {
    answer = { status: 200, body: { entities: [entity], rejected: [] } };
    await provider.refresh();
    expect(requests.map(r => r.url)).toEqual(['/api/maas/catalog/entities']);
    expect(requests[0].headers.authorization).toMatch(/^Bearer .+/);
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'full',
      entities: [{ entity, locationKey: 'maas-cluster' }],
    });
  });

  it('keeps the catalog as it is when the backend cannot answer, and says why', async () => {
    answer = {
      status: 503,
      body: {
        error: {
          name: 'ServiceUnavailableError',
          message: 'No cluster is connected',
        },
      },
    };
    await provider.refresh();
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Model entities not refreshed: the MaaS backend answered 503: No cluster is connected',
    );
    await provider.refresh();
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('reads again at once for a signalled model until the backend lists it', async () => {
    earlier = [{ status: 200, body: { entities: [], rejected: [] } }];
    answer = { status: 200, body: { entities: [entity], rejected: [] } };
    await expect(provider.refreshFor('component:default/QWEN3')).resolves.toBe(
      true,
    );
    expect(requests).toHaveLength(2);
    expect(connection.applyMutation).toHaveBeenLastCalledWith({
      type: 'full',
      entities: [{ entity, locationKey: 'maas-cluster' }],
    });
  });

  it('gives up on a signalled model the backend does not list within 5 s', async () => {
    answer = { status: 200, body: { entities: [entity], rejected: [] } };
    const started = Date.now();
    await expect(provider.refreshFor('component:default/other')).resolves.toBe(
      false,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(requests.length).toBeGreaterThan(5);
  }, 10_000);
});
