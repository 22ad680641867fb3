/*
 * The portal's notifications as people read them: the maas plugin beside the real
 * `@backstage/plugin-notifications-backend` (on the test backend's SQLite), each user's
 * notifications read through its REST API with their own credentials. The model is team A's, under
 * real traffic through the harness gateway (free tier: 5 calls per 2 minutes per user), and the
 * limit notices are compared with what Limitador counted.
 *
 * Users: jane (developer of team A), tess (team A too: the model's owner group reaches her), bob
 * (developer of team B), ops (admin), and lee, who holds a key but is no longer in the catalog,
 * so may not see the model.
 */
import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  eventually,
  harnessEnv,
  limitadorCounters,
} from '@maas-portal/harness/testing';
import request from 'supertest';
import {
  CallTally,
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import {
  ADMIN,
  ADMIN_GROUP,
  as,
  DEV_A,
  DEV_B,
  examplePolicyUsers,
  TEAM_A,
  TEAM_B,
} from '../__testUtils__/testUsers';
import { modelComponent } from '../__testUtils__/harness';
import { KEY_TASK_ID } from '../keys/scheduleKeyTasks';
import { LIMIT_NOTICES_TASK_ID } from '../usage/scheduleUsageNotices';

jest.setTimeout(300_000);

/** A second developer of team A: the model's owner group reaches her. */
const TESS = 'user:default/tess';
/** Holds a key, but has left: the catalog no longer holds him, so he may not see the model. */
const LEE = 'user:default/lee';

type Task = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

/** A user and a group of the catalog, with the relations the catalog would compute. */
const user = (ref: string, group: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { memberOf: [group] },
  relations: [{ type: RELATION_MEMBER_OF, targetRef: group }],
});
const group = (ref: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({ type: RELATION_HAS_MEMBER, targetRef: m })),
});

interface Notice {
  id: string;
  updated?: string | null;
  payload: {
    title: string;
    description?: string;
    link?: string;
    topic?: string;
    severity?: string;
  };
}

describe('notifications, read by each user from the notifications backend', () => {
  let model: LiveModel;
  let tally: CallTally;
  /** The plugin's scheduled tasks, run by the test when it chooses (no waiting on a clock). */
  const tasks = new Map<string, Task>();
  const run = async (id: string) => {
    const task = tasks.get(id);
    if (!task) throw new Error(`task ${id} was not scheduled`);
    await task.fn(new AbortController().signal as any);
  };
  /** Key values, in memory only (never logged). */
  const values: Record<string, string> = {};
  const keyIds: Record<string, string> = {};

  const post = (who: string, path: string, body: object = {}) =>
    request(model.server).post(`/api/maas${path}`).set(as(who)).send(body);
  const noticesOf = async (who: string, topic: string): Promise<Notice[]> => {
    const res = await request(model.server)
      .get('/api/notifications/notifications')
      .set(as(who));
    expect(res.status).toBe(200);
    return (res.body.notifications as Notice[]).filter(
      n => n.payload.topic === topic,
    );
  };
  const titles = async (who: string, topic: string) =>
    (await noticesOf(who, topic)).map(n => n.payload.title).sort();

  /** Asks for a free key (approved at once) and keeps its value. */
  const freeKey = async (who: string, name: string, expiresInDays?: number) => {
    const res = await post(who, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'free',
      reason: 'notifications test',
      name,
      ...(expiresInDays ? { expiresInDays } : {}),
    });
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 201,
      body: { issued: { key: { tier: 'free' } } },
    });
    values[`${who}|${name}`] = res.body.issued.value;
    return res.body.issued.key.id as string;
  };
  /** Calls with `key` until Authorino has seen its Secret (401 until then: Limitador counts none). */
  const firstCall = (key: string) =>
    eventually(async () => expect(await tally.call(key)).toBe(200), 30_000);

  beforeAll(async () => {
    harnessEnv('MAAS_HARNESS_GATEWAY_URL');
    const entityRef = 'component:default/notisim';
    model = await startLiveModel({
      prefix: 'notify',
      name: 'notisim',
      features: [
        ...examplePolicyUsers({ [entityRef]: TEAM_A }),
        notificationsPlugin,
        mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.set(task.id, task as Task);
          },
          createScheduledTaskRunner: schedule => ({
            run: async task => {
              tasks.set(task.id, { ...schedule, ...task } as Task);
            },
          }),
        }).factory,
      ],
      // The notifications backend needs the app's address for its e-mail links.
      config: { app: { baseUrl: 'http://localhost:3000' } },
      entities: (ns: string) => [
        {
          ...(modelComponent('notisim', `${ns}/notisim`, TEAM_A) as Entity),
          relations: [{ type: RELATION_OWNED_BY, targetRef: TEAM_A }],
        },
        user(DEV_A, TEAM_A),
        user(TESS, TEAM_A),
        user(DEV_B, TEAM_B),
        user(ADMIN, ADMIN_GROUP),
        group(TEAM_A, [DEV_A, TESS]),
        group(TEAM_B, [DEV_B]),
        group(ADMIN_GROUP, [ADMIN]),
      ],
    });
    tally = new CallTally(model);
  }, 300_000);

  afterAll(async () => {
    await model?.stop();
  });

  it('tells the approvers (the admin, the owner group) of a premium request, not the requester nor team B; then the requester of the decision', async () => {
    const asked = await post(DEV_A, '/keys/requests', {
      entityRef: model.entityRef,
      tier: 'premium',
      reason: 'a bigger batch',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.request.state).toBe('pending');
    const waiting = `An API key request (premium) for ${model.ns}/notisim waits for approval`;
    for (const approver of [ADMIN, TESS]) {
      expect(await noticesOf(approver, 'maas-approvals')).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            title: waiting,
            description: `${DEV_A}: a bigger batch`,
            link: '/maas/approvals',
          }),
        }),
      ]);
    }
    expect(await noticesOf(DEV_A, 'maas-approvals')).toEqual([]);
    expect(await noticesOf(DEV_B, 'maas-approvals')).toEqual([]);

    const decided = await post(ADMIN, '/keys/requests/decisions', {
      ids: [asked.body.request.id],
      decision: 'approve',
      comment: 'go ahead',
    });
    expect(decided.body).toEqual([expect.objectContaining({ ok: true })]);
    expect(await noticesOf(DEV_A, 'maas-keys')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: `API key request (premium) for ${model.ns}/notisim approved`,
          description: `${ADMIN}: go ahead`,
          link: '/maas/keys',
        }),
      }),
    ]);
    for (const other of [ADMIN, DEV_B, TESS])
      expect(await noticesOf(other, 'maas-keys')).toEqual([]);
  });

  it('tells a user at 80 % and at 100 % of their request window, once each, as Limitador counted; not another caller, nor one who may not see the model', async () => {
    keyIds.janeLimits = await freeKey(DEV_A, 'limits');
    await freeKey(DEV_B, 'limits');
    await freeKey(LEE, 'limits');
    const jane = values[`${DEV_A}|limits`];
    // Lee uses 4 of 5 too, and bob 1: only jane may see the model and is at 80 %.
    await firstCall(values[`${LEE}|limits`]);
    for (let i = 1; i < 4; i++)
      expect(await tally.call(values[`${LEE}|limits`])).toBe(200);
    await firstCall(values[`${DEV_B}|limits`]);
    await firstCall(jane);
    for (let i = 1; i < 4; i++) expect(await tally.call(jane)).toBe(200);

    const freeCounter = async (userId: string) => {
      const counters = await limitadorCounters(model.limitadorNamespace);
      const mine = counters.filter(
        c =>
          Object.values(c.set_variables).includes(userId) &&
          c.limit.max_value === LIVE_TIERS.free,
      );
      expect(mine).toHaveLength(1);
      return mine[0];
    };
    const janeCounter = () => freeCounter('jane');
    const used = async (userId: string) => {
      const c = await freeCounter(userId);
      return c.limit.max_value - c.remaining!;
    };
    // As Limitador counted: jane and lee at 4 of 5 (80 %), bob at 1.
    expect(await used('jane')).toBe(4);
    expect(await used('lee')).toBe(4);
    expect(await used('bob')).toBe(1);

    await run(LIMIT_NOTICES_TASK_ID);
    await run(LIMIT_NOTICES_TASK_ID);
    const link = '/catalog/default/component/notisim/usage';
    const eighty = `You used 80 % of your requests limit on ${model.ns}/notisim`;
    expect(await noticesOf(DEV_A, 'maas-limits')).toEqual([
      expect.objectContaining({
        updated: null,
        payload: expect.objectContaining({
          title: eighty,
          description: expect.stringMatching(
            /^4 of 5 requests per 2 min \(free tier\); the window resets in \d+ s\.$/,
          ),
          link,
        }),
      }),
    ]);
    for (const other of [DEV_B, ADMIN, TESS, LEE])
      expect(await noticesOf(other, 'maas-limits')).toEqual([]);

    // The fifth call uses the window up: 100 %, once; the refused sixth changes nothing.
    expect(await tally.call(jane)).toBe(200);
    expect((await janeCounter()).remaining).toBe(0);
    await run(LIMIT_NOTICES_TASK_ID);
    expect(await tally.call(jane)).toBe(429);
    await run(LIMIT_NOTICES_TASK_ID);
    const full = `You reached your requests limit on ${model.ns}/notisim`;
    expect(await titles(DEV_A, 'maas-limits')).toEqual([full, eighty].sort());
    expect(
      (await noticesOf(DEV_A, 'maas-limits')).map(n => n.updated ?? null),
    ).toEqual([null, null]);
    expect(
      (await noticesOf(DEV_A, 'maas-limits')).find(
        n => n.payload.title === full,
      )!.payload,
    ).toMatchObject({
      description: expect.stringMatching(
        /^5 of 5 requests per 2 min \(free tier\); the window resets in \d+ s\. Calls are refused until then\.$/,
      ),
      link,
      severity: 'high',
    });
    for (const other of [DEV_B, ADMIN, TESS, LEE])
      expect(await noticesOf(other, 'maas-limits')).toEqual([]);
  });

  it("tells a key's owner 7 days and 1 day before it expires, once per milestone, and no one else", async () => {
    const janeKey = await freeKey(DEV_A, 'six-days', 6);
    const bobKey = await freeKey(DEV_B, 'one-day', 1);
    await freeKey(ADMIN, 'thirty-days', 30);
    expect(janeKey).not.toBe(bobKey);
    await run(KEY_TASK_ID);
    await run(KEY_TASK_ID);
    const expiring = async (who: string) =>
      (await noticesOf(who, 'maas-keys')).filter(n =>
        n.payload.title.includes('expires in'),
      );
    expect(await expiring(DEV_A)).toEqual([
      expect.objectContaining({
        updated: null,
        payload: expect.objectContaining({
          title: `Your API key "six-days" for ${model.ns}/notisim expires in 6 days`,
          link: '/maas/keys',
          severity: 'normal',
        }),
      }),
    ]);
    // A day is left of bob's key: he hears of the last day only.
    expect(await expiring(DEV_B)).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: `Your API key "one-day" for ${model.ns}/notisim expires in 1 day`,
          link: '/maas/keys',
          severity: 'high',
        }),
      }),
    ]);
    expect(await expiring(ADMIN)).toEqual([]);
    expect(await expiring(TESS)).toEqual([]);
  });
  it('tells the approvers of a tier change, and the requester of its rejection with the reason; nobody else', async () => {
    const before: Record<string, number> = {
      [ADMIN]: (await noticesOf(ADMIN, 'maas-approvals')).length,
      [TESS]: (await noticesOf(TESS, 'maas-approvals')).length,
    };
    const asked = await post(DEV_A, `/keys/${keyIds.janeLimits}/tier-change`, {
      tier: 'premium',
      reason: 'more calls',
    });
    expect({ status: asked.status, state: asked.body.state }).toEqual({
      status: 201,
      state: 'pending',
    });
    const waiting = `A tier change to premium for ${model.ns}/notisim waits for approval`;
    for (const approver of [ADMIN, TESS]) {
      const notices = await noticesOf(approver, 'maas-approvals');
      expect(notices).toHaveLength(before[approver] + 1);
      expect(notices.filter(n => n.payload.title === waiting)).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            description: `${DEV_A}: more calls`,
            link: '/maas/approvals',
          }),
        }),
      ]);
    }
    expect(await noticesOf(DEV_A, 'maas-approvals')).toEqual([]);
    expect(await noticesOf(DEV_B, 'maas-approvals')).toEqual([]);

    const decided = await post(ADMIN, '/keys/requests/decisions', {
      ids: [asked.body.id],
      decision: 'reject',
      comment: 'free is enough for this',
    });
    expect(decided.body).toEqual([expect.objectContaining({ ok: true })]);
    const rejected = `Tier change to premium for ${model.ns}/notisim rejected`;
    expect(
      (await noticesOf(DEV_A, 'maas-keys')).filter(
        n => n.payload.title === rejected,
      ),
    ).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          description: `${ADMIN}: free is enough for this`,
          link: '/maas/keys',
          severity: 'high',
        }),
      }),
    ]);
    for (const other of [ADMIN, DEV_B, TESS])
      expect(
        (await noticesOf(other, 'maas-keys')).filter(
          n => n.payload.title === rejected,
        ),
      ).toEqual([]);
  });
});
