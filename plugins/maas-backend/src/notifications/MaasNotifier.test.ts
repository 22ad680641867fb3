import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { KeyDatabase } from '../keys/store/KeyDatabase';
import { MaasNotifier } from './MaasNotifier';

const payload = {
  title: '80 % of your requests',
  link: '/maas/keys',
  topic: 'maas-limits' as const,
};

describe('MaasNotifier', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function bed() {
    const knex = await databases.init('SQLITE_3');
    // The guard table comes with the package's migrations, as KeyDatabase runs them at start.
    await KeyDatabase.migrate(knex);
    // The notification service is the edge here: what this unit decides is whether and to whom
    // it sends; the notifications backend itself runs in notifications.cluster.test.ts.
    const notifications = { send: jest.fn(async () => undefined) };
    const logger = mockServices.logger.mock();
    let now = new Date('2026-12-07T12:00:00Z');
    const notifier = new MaasNotifier({
      notifications,
      logger,
      db: knex,
      now: () => now,
    });
    return {
      knex,
      notifications,
      logger,
      notifier,
      later: (ms: number) => {
        now = new Date(now.getTime() + ms);
      },
      // A second replica on the same database.
      replica: new MaasNotifier({ notifications, logger, db: knex }),
    };
  }

  it('sends to the recipients minus those excepted, with the payload as given', async () => {
    const { notifier, notifications } = await bed();
    expect(
      await notifier.notify({
        to: ['user:default/ann', 'group:default/team-a', 'user:default/ann'],
        except: ['user:default/bob'],
        payload,
      }),
    ).toBe('sent');
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/ann', 'group:default/team-a'],
        excludeEntityRef: ['user:default/bob'],
      },
      payload,
    });
  });

  it('sends nothing when every recipient is excepted, or without the notifications service', async () => {
    const { notifier, notifications, knex, logger } = await bed();
    expect(
      await notifier.notify({
        to: ['user:default/ann'],
        except: ['user:default/ann'],
        payload,
      }),
    ).toBe('no-recipients');
    const off = new MaasNotifier({ logger, db: knex });
    expect(
      await off.notify({ to: ['user:default/ann'], payload, once: 'k' }),
    ).toBe('off');
    expect(notifications.send).not.toHaveBeenCalled();
    // "off" claimed nothing: once the service is there, it is sent.
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once: 'k' }),
    ).toBe('sent');
  });

  it('sends a once-key once, across replicas on one database', async () => {
    const { notifier, replica, notifications } = await bed();
    const once =
      'limit|user:default/ann|llm/qwen3|requests|2026-12-07T12:00:00Z';
    const results = await Promise.all([
      notifier.notify({ to: ['user:default/ann'], payload, once }),
      replica.notify({ to: ['user:default/ann'], payload, once }),
    ]);
    expect(results.sort()).toEqual(['already-sent', 'sent']);
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once }),
    ).toBe('already-sent');
    expect(
      await notifier.notify({
        to: ['user:default/ann'],
        payload,
        once: `${once}-next`,
      }),
    ).toBe('sent');
    expect(notifications.send).toHaveBeenCalledTimes(2);
  });

  it('never throws: a failed send is logged and its once-key released, so a later pass retries', async () => {
    const { notifier, notifications, logger } = await bed();
    notifications.send.mockRejectedValueOnce(
      new Error('Request failed with status 503'),
    );
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once: 'x' }),
    ).toBe('failed');
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not notify user:default/ann ("80 % of your requests"): Request failed with status 503',
    );
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once: 'x' }),
    ).toBe('sent');
  });

  it('sends a once-key again, once, when it was sent before onceSince (a new window)', async () => {
    const { notifier, later, notifications } = await bed();
    const once = 'limit|user:default/ann|llm/qwen3|requests|80';
    const windowStart = new Date('2026-12-07T11:59:00Z');
    const send = (since: Date) =>
      notifier.notify({
        to: ['user:default/ann'],
        payload,
        once,
        onceSince: since,
      });
    expect(await send(windowStart)).toBe('sent');
    later(60_000);
    expect(await send(windowStart)).toBe('already-sent');
    // The next window starts after the first send.
    const next = new Date('2026-12-07T12:00:30Z');
    expect(await send(next)).toBe('sent');
    expect(await send(next)).toBe('already-sent');
    expect(notifications.send).toHaveBeenCalledTimes(2);
  });

  it('prunes once-keys older than asked, and only those', async () => {
    const { notifier, later } = await bed();
    await notifier.notify({ to: ['user:default/ann'], payload, once: 'old' });
    later(60 * 60_000);
    await notifier.notify({ to: ['user:default/ann'], payload, once: 'new' });
    expect(await notifier.prune(30 * 60_000)).toBe(1);
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once: 'old' }),
    ).toBe('sent');
    expect(
      await notifier.notify({ to: ['user:default/ann'], payload, once: 'new' }),
    ).toBe('already-sent');
  });
});
