/*
 * The limit window pass over Limitador's counters, window by window: Limitador's answer is the edge
 * here (its counters, written as kuadrant-operator's limits name them), so that the test moves the
 * clock across windows; notifications.cluster.test.ts runs the pass on real traffic. The catalog is
 * a real in-memory one, the once-guard a real SQLite.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity, RELATION_MEMBER_OF } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ModelTiers } from '@maas-portal/plugin-maas-common';
import { ADMIN_GROUP, DEV_A, DEV_B, TEAM_A } from '../__testUtils__/testUsers';
import { ModelReader } from '../entities/ModelReader';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { LimitadorCounter } from '../limitador/LimitadorClient';
import { MaasNotifier } from '../notifications/MaasNotifier';
import { ModelReaders } from '../permissions/modelReaders';
import { LimitWindowNotices, windowStart } from './limitWindowNotices';

const LEE = 'user:default/lee';
const MODEL = { namespace: 'llm', name: 'qwen3' };
const ENTITY = 'component:default/qwen3';

const counter = (
  userId: string,
  used: number,
  expiresIn: number,
  limit: { max: number; seconds: number; descriptor: string },
): LimitadorCounter => ({
  limit: {
    namespace: 'llm/qwen3-route',
    max_value: limit.max,
    seconds: limit.seconds,
    conditions: [`descriptors[0]["${limit.descriptor}"] == "1"`],
    variables: ['descriptors[0]["auth.identity.userid"]'],
  },
  set_variables: { 'descriptors[0]["auth.identity.userid"]': userId },
  remaining: limit.max - used,
  expires_in_seconds: expiresIn,
});
const requests = {
  max: 5,
  seconds: 120,
  descriptor: 'limit.free_user_requests__1a2b',
};
const tokens = {
  max: 1000,
  seconds: 3600,
  descriptor: 'limit.free_user_tokens__3c4d',
};

const user = (ref: string, group: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { memberOf: [group] },
  relations: [{ type: RELATION_MEMBER_OF, targetRef: group }],
});

describe('LimitWindowNotices', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('says where a counter window began', () => {
    const now = new Date('2026-12-07T12:02:00Z');
    expect(windowStart(counter('jane', 1, 90, requests), now)).toEqual(
      new Date('2026-12-07T12:01:30Z'),
    );
  });

  it('tells each key holder who may see the model at 80 % and 100 %, once per window, again in the next window', async () => {
    const knex = await databases.init('SQLITE_3');
    await KeyDatabase.migrate(knex);
    const notifications = { send: jest.fn(async () => undefined) };
    let now = new Date('2026-12-07T12:00:00Z');
    let counters: LimitadorCounter[] = [];
    const reader = {
      limitadorNamespaceOf: () => 'llm/qwen3-route',
      getTiers: () =>
        ({
          tiers: [
            {
              name: 'free',
              configured: true,
              requests: [{ source: { limitName: 'free-user-requests' } }],
              tokens: [{ source: { limitName: 'free-user-tokens' } }],
            },
          ],
        } as unknown as ModelTiers),
    } as unknown as ModelReader;
    const notices = new LimitWindowNotices({
      limitador: { counters: async () => counters, limits: async () => [] },
      notifier: new MaasNotifier({
        notifications,
        logger: mockServices.logger.mock(),
        db: knex,
        now: () => now,
      }),
      readers: new ModelReaders({
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'qwen3', namespace: 'default' },
              spec: {
                owner: TEAM_A,
                type: 'model-server',
                lifecycle: 'production',
              },
            },
            user(DEV_A, TEAM_A),
            user(DEV_B, 'group:default/team-b'),
          ],
        }),
        auth: mockServices.auth(),
        adminGroups: [ADMIN_GROUP],
      }),
      reader,
      keyHolders: async () =>
        [DEV_A, DEV_B, LEE].map(userEntityRef => ({
          userEntityRef,
          entityRef: ENTITY,
          inferenceService: MODEL,
        })),
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    const titles = () =>
      notifications.send.mock.calls.map(
        ([o]: any) => `${o.recipients.entityRef.join()}: ${o.payload.title}`,
      );

    // jane at 4 of 5 requests and 799 of 1000 tokens; bob at 3 of 5; lee (not in the catalog) at 5 of 5.
    counters = [
      counter('jane', 4, 110, requests),
      counter('jane', 799, 3000, tokens),
      counter('bob', 3, 110, requests),
      counter('lee', 5, 110, requests),
    ];
    let report = await notices.run();
    expect(report.notReaders).toEqual([LEE]);
    expect(titles()).toEqual([
      `${DEV_A}: You used 80 % of your requests limit on llm/qwen3`,
    ]);
    expect(notifications.send.mock.calls[0]).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          description:
            '4 of 5 requests per 2 min (free tier); the window resets in 110 s.',
          link: '/catalog/default/component/qwen3/usage',
        }),
      }),
    ]);

    // Ten seconds on, the same window: jane's tokens reach 80 %, her requests 100 %.
    now = new Date(now.getTime() + 10_000);
    counters = [
      counter('jane', 5, 100, requests),
      counter('jane', 800, 2990, tokens),
    ];
    await notices.run();
    await notices.run();
    expect(titles().slice(1)).toEqual([
      `${DEV_A}: You reached your requests limit on llm/qwen3`,
      `${DEV_A}: You used 80 % of your tokens limit on llm/qwen3`,
    ]);

    // The next request window (the counter began again 5 s ago): 80 % is told again, once.
    now = new Date(now.getTime() + 120_000);
    counters = [
      counter('jane', 4, 115, requests),
      counter('jane', 800, 2870, tokens),
    ];
    report = await notices.run();
    expect(report.sent).toHaveLength(1);
    await notices.run();
    expect(titles().slice(3)).toEqual([
      `${DEV_A}: You used 80 % of your requests limit on llm/qwen3`,
    ]);
  });
});
