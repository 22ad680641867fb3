/*
 * The playground through the harness gateway (the real kuadrant-operator's config, Authorino, Limitador on
 * its real crate, the model's simulator): a developer's free key pasted into POST
 * /models/by-entity/playground, the answer streamed back with its token usage, then the free tier's 429
 * explained with the limit and the reset Limitador reports; Limitador's counter equals the calls made. A
 * user the policy does not let read the model gets 403 and no call reaches the gateway; a wrong key a
 * 401 explained; the body cannot choose a host. No key value appears in any log line.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  eventually,
  harnessEnv,
  limitadorCounters,
  promNumber,
} from '@maas-portal/harness/testing';
import { maasModelReadPermission } from '@maas-portal/plugin-maas-common';
import request from 'supertest';
import {
  LIVE_TIERS,
  LiveModel,
  startLiveModel,
} from '../__testUtils__/liveTraffic';
import {
  expectFreeLimitRefusal,
  playUntilRefused,
} from '../__testUtils__/playgroundRefusal';
import { readChatStream } from '../__testUtils__/readChatStream';
import {
  as,
  DEV_A,
  DEV_B,
  examplePolicy,
  TEAM_A,
  usersInfo,
} from '../__testUtils__/testUsers';

jest.setTimeout(240_000);

const MAX_TOKENS = 12;

describe('the playground through the gateway', () => {
  let model: LiveModel;
  /** Key values, kept in memory only (never logged). */
  let key: string;
  const wrongKey = `maas_${'x'.repeat(40)}`;
  /** Calls Limitador counted for jane (200s) and refused (429s). */
  let authorized = 0;
  /** Each 200's usage block, as the stream's last chunk reported it. */
  const usages: Array<{ prompt_tokens: number; completion_tokens: number }> =
    [];
  /** Every line the backend logged, read at the end for key values. */
  const logged: string[] = [];

  const path = () =>
    `/api/maas/models/by-entity/playground?entityRef=${model.entityRef}`;
  const play = (user: string, body: object) =>
    request(model.server).post(path()).set(as(user)).send(body);
  const hello = (credential: string) => ({
    messages: [{ role: 'user', content: 'Say hello' }],
    maxTokens: MAX_TOKENS,
    credential,
    tier: 'free',
  });
  const janeCounters = async () =>
    (await limitadorCounters(model.limitadorNamespace)).filter(c =>
      Object.values(c.set_variables).includes('jane'),
    );
  /** Every counter of the route, as numbers that change when a call is counted. */
  const allCounters = async () =>
    (await limitadorCounters(model.limitadorNamespace))
      .map(c => `${JSON.stringify(c.set_variables)}:${c.remaining}`)
      .sort();

  beforeAll(async () => {
    // Kept, not printed: the backend logs at debug level here.
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      jest.spyOn(console, level).mockImplementation((...args) => {
        logged.push(
          args
            .map(a => (typeof a === 'string' ? a : JSON.stringify(a)))
            .join(' '),
        );
      });
    }
    const entityRef = 'component:default/playsim';
    const owners = { [entityRef]: TEAM_A };
    model = await startLiveModel({
      prefix: 'play',
      name: 'playsim',
      maas: { gateway: { url: harnessEnv('MAAS_HARNESS_GATEWAY_URL') } },
      features: [
        // The example policy, except that bob (team B) may not read this model: an install that shows
        // a model to its team only.
        mockServices.permissions.mock({
          authorize: async (requests, options) => {
            const decided = await examplePolicy(owners)(requests, options);
            const user = (
              options?.credentials?.principal as { userEntityRef?: string }
            )?.userEntityRef;
            return decided.map((d, i) =>
              user === DEV_B &&
              requests[i].permission.name === maasModelReadPermission.name
                ? { result: AuthorizeResult.DENY }
                : d,
            );
          },
        }).factory,
        usersInfo().factory,
        // Every log line to the console, where the test reads them.
        mockServices.rootLogger.factory({ level: 'debug' }),
      ],
    });
    const asked = await request(model.server)
      .post('/api/maas/keys/requests')
      .set(as(DEV_A))
      .send({ entityRef, tier: 'free', reason: 'playground test' });
    // A free key is issued at once; without it nothing below can run.
    if (asked.status !== 201)
      throw new Error(
        `the free key request answered ${asked.status}: ${JSON.stringify(
          asked.body,
        )}`,
      );
    key = asked.body.issued.value;
  }, 240_000);

  afterAll(async () => {
    // The spies stay to the end of the file (its own console): the backend logs until it stops.
    await model?.stop();
  });

  it("streams the model's answer through the gateway with its token usage, and Limitador counts the call", async () => {
    expect(await janeCounters()).toEqual([]);
    // Authorino learns of the new key Secret from its watch: until then the gateway says 401, which
    // Limitador never counts.
    let res: request.Response | undefined;
    await eventually(async () => {
      res = await play(DEV_A, hello(key));
      expect(res.status).toBe(200);
    }, 30_000);
    authorized += 1;
    expect(res!.headers['content-type']).toMatch(/^text\/event-stream/);
    const answer = readChatStream(res!.text);
    expect(answer.done).toBe(true);
    expect(answer.chunks).toBeGreaterThan(1);
    expect(answer.content.length).toBeGreaterThan(0);
    expect(answer.usage).toBeDefined();
    const usage = answer.usage!;
    usages.push(usage);
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeLessThanOrEqual(MAX_TOKENS);
    expect(usage.total_tokens).toBe(
      usage.prompt_tokens + usage.completion_tokens,
    );
    const [counter] = await janeCounters();
    expect(counter.limit.max_value).toBe(LIVE_TIERS.free);
    expect(counter.remaining).toBe(LIVE_TIERS.free - authorized);
  });

  it('answers 429 at the free limit with the limit and when it resets, as Limitador counts them', async () => {
    const { statuses, served, refused, refusedAt } = await playUntilRefused(
      () => play(DEV_A, hello(key)),
      LIVE_TIERS.free,
    );
    authorized += served.length;
    usages.push(...served.map(res => readChatStream(res.text).usage!));
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const [counter] = await janeCounters();
    // Limitador's counter holds the calls it let through: the playground's, no more.
    expect(authorized).toBe(LIVE_TIERS.free);
    expect(counter.remaining).toBe(LIVE_TIERS.free - authorized);
    expectFreeLimitRefusal({
      refused,
      counter,
      secondsSinceRefusal: (Date.now() - refusedAt) / 1000,
      explanation:
        /^free tier: 5 requests per 2m, all used in this window; resets in about (\d+) s\./,
    });
  });

  it("reports the tokens the model itself counted: vLLM's counters equal the streamed usage blocks", async () => {
    const counted = (metric: string) =>
      promNumber(`sum(${metric}{model_name="${model.name}"})`);
    const sum = (field: 'prompt_tokens' | 'completion_tokens') =>
      usages.reduce((n, u) => n + u[field], 0);
    expect(usages).toHaveLength(LIVE_TIERS.free);
    // The simulator serves this model only, and only the playground called it; Prometheus scrapes it
    // every few seconds.
    await eventually(async () => {
      expect({
        prompt: await counted('vllm:prompt_tokens_total'),
        generation: await counted('vllm:generation_tokens_total'),
      }).toEqual({
        prompt: sum('prompt_tokens'),
        generation: sum('completion_tokens'),
      });
    }, 60_000);
  });

  it('refuses a user who may not read the model with 403, and no call reaches the gateway', async () => {
    const before = await allCounters();
    const res = await play(DEV_B, hello(key));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `You lack the maas.model.read permission on ${model.entityRef}`,
    );
    expect(await allCounters()).toEqual(before);
  });

  it('explains a wrong key with 401; Limitador counts nothing', async () => {
    const before = await allCounters();
    const res = await play(DEV_A, hello(wrongKey));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      source: 'gateway',
      status: 401,
      title: 'Not authenticated (401): the gateway did not accept the key',
    });
    expect(res.body.explanation).toMatch(/not a key for this model/);
    expect(JSON.stringify(res.body)).not.toContain(wrongKey);
    expect(await allCounters()).toEqual(before);
  });

  it('lets the body choose no host, path or model: such a call is refused before anything is sent', async () => {
    const before = await allCounters();
    for (const extra of [
      { host: 'evil.example.com' },
      { url: 'http://127.0.0.1:1/' },
      { path: '/v1/completions' },
      { model: 'another-model' },
    ]) {
      const res = await play(DEV_A, { ...hello(key), ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^Unknown field\(s\) \w+: a playground call takes messages, maxTokens, credential and tier only/,
      );
      expect(res.body.error.message).not.toContain(key);
    }
    // A credential with a header break in it is refused, and not repeated.
    const broken = await play(DEV_A, hello(`${key}\r\nHost: evil`));
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).not.toContain(key);
    // Another entity, one the catalog does not hold, is not a way to another host either.
    const other = await request(model.server)
      .post(
        '/api/maas/models/by-entity/playground?entityRef=component:default/not-a-model',
      )
      .set(as(DEV_A))
      .send(hello(key));
    expect(other.status).toBe(404);
    expect(await allCounters()).toEqual(before);
  });

  it('logged lines about the calls, and no key value in any of them', () => {
    expect(
      logged.some(l => l.includes(`Playground: ${DEV_A} called model playsim`)),
    ).toBe(true);
    expect(logged.filter(l => l.includes(key))).toEqual([]);
    expect(logged.filter(l => l.includes(wrongKey))).toEqual([]);
  });
});
