/*
 * Token counting notices on the harness's real Prometheus (backfilled data): the model whose vLLM
 * counters exceed Limitador's (qwen3) is told to its owners once a day, the one counted in full
 * (simulator) to nobody. Owners come from a real in-memory catalog; the guard from a real SQLite.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ModelView } from '@maas-portal/plugin-maas-common';
import { useBackfilledPrometheus } from '../__testUtils__/backfilledPrometheus';
import { datasetRouteLimits } from '../__testUtils__/datasetPolicies';
import { ADMIN_GROUP, TEAM_A, TEAM_B } from '../__testUtils__/testUsers';
import { ModelReader } from '../entities/ModelReader';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { ModelReaders } from '../permissions/modelReaders';
import { notifyShortTokenCounting } from './tokenCountingNotices';
import { TokenCheckService } from './TokenCheckService';

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'model-server', owner, lifecycle: 'production' },
  relations: [{ type: RELATION_OWNED_BY, targetRef: owner }],
});

describe('token counting notices (real Prometheus, backfilled data)', () => {
  const data = useBackfilledPrometheus();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it("tells a model's owners, once a day, when Limitador leaves too many of its tokens uncounted; no one for a model counted in full", async () => {
    const knex = await databases.init('SQLITE_3');
    await KeyDatabase.migrate(knex);
    // The notification service is the edge: the notifications backend is exercised in
    // notifications/notifications.cluster.test.ts; here, who is told what, and how often.
    const notifications = { send: jest.fn(async () => undefined) };
    const logger = mockServices.logger.mock();
    const t = data.summary.endTime;
    const limits = datasetRouteLimits(data.summary);
    // The data's routes are on no cluster: the models slice's answer for them, from the data.
    const reader: ModelReader = {
      getModel: ref =>
        ({
          modelName: ref.inferenceService.name,
          route: {
            namespace: 'llm',
            name: `${ref.inferenceService.name}-route`,
          },
          warnings: [],
        } as unknown as ModelView & { warnings: string[] }),
      getTiers: () => {
        throw new Error('not read by the token check');
      },
      routeLimits: limits,
      limitadorNamespaceOf: isvc => `llm/${isvc.name}-route`,
    };
    const run = (now: Date) =>
      notifyShortTokenCounting({
        models: ['qwen3', 'simulator'].map(name => ({
          entityRef: `component:default/${name}`,
          inferenceService: { namespace: 'llm', name },
        })),
        reader,
        tokenCheck: new TokenCheckService({
          prometheus: data.prometheus,
          threshold: 0.1,
        }),
        readers: new ModelReaders({
          catalog: catalogServiceMock({
            entities: [
              component('qwen3', TEAM_A),
              component('simulator', TEAM_B),
            ],
          }),
          auth: mockServices.auth(),
          adminGroups: [ADMIN_GROUP],
        }),
        notifier: new MaasNotifier({ notifications, logger, db: knex }),
        logger,
        now,
      });

    const at = new Date(t * 1000);
    const day = at.toISOString().slice(0, 10);
    expect(await run(at)).toEqual([
      `token-counting|component:default/qwen3|${day}`,
    ]);
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: [TEAM_A] },
      payload: expect.objectContaining({
        title: 'Token limits on llm/qwen3 are not being counted',
        description: expect.stringMatching(
          /^Token limits are not being counted: the model served [\d,]+ tokens/,
        ),
        link: '/catalog/default/component/qwen3/usage',
        topic: 'maas-token-counting',
        severity: 'high',
      }),
    });
    // Ten minutes later, the same day: not again.
    expect(await run(new Date(at.getTime() + 600_000))).toEqual([]);
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
