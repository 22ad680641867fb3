/* The playground called until the gateway refuses, and the 429 it explains, checked against Limitador. */
import { LimitadorCounter } from '@maas-portal/harness/testing';
import request from 'supertest';
import { LIVE_TIERS } from './liveTraffic';

/** Calls `play` until the gateway answers 429, `most` calls at the most: the statuses, the 200s, the 429. */
export async function playUntilRefused(
  play: () => Promise<request.Response>,
  most: number,
): Promise<{
  statuses: number[];
  served: request.Response[];
  refused?: request.Response;
  /** When the 429 came (ms), to allow for the time until Limitador's counter is read. */
  refusedAt: number;
}> {
  const statuses: number[] = [];
  const served: request.Response[] = [];
  while (statuses.length < most) {
    const res = await play();
    statuses.push(res.status);
    if (res.status === 200) served.push(res);
    if (res.status === 429)
      return { statuses, served, refused: res, refusedAt: Date.now() };
  }
  return { statuses, served, refusedAt: Date.now() };
}

/**
 * The playground's 429 at the free tier's request limit: the limit named as the route's policy has it,
 * and "resets in about N s" as Limitador's `counter` says, read `secondsSinceRefusal` after the 429
 * (its reset is nearer by that time). `explanation` captures N.
 */
export function expectFreeLimitRefusal(options: {
  refused?: request.Response;
  counter: LimitadorCounter;
  secondsSinceRefusal: number;
  explanation: RegExp;
}) {
  const { refused, counter } = options;
  expect(refused?.body).toMatchObject({
    source: 'gateway',
    status: 429,
    title: 'Rate limit reached (429): the gateway refused the call',
    quota: {
      tier: 'free',
      requests: {
        limitName: 'free-user-requests',
        limit: LIVE_TIERS.free,
        window: '2m',
        remaining: 0,
      },
    },
  });
  const [, resetsIn] =
    options.explanation.exec(refused!.body.explanation) ?? [];
  expect(resetsIn).toBeDefined();
  const drift = Number(resetsIn) - counter.expires_in_seconds;
  expect(drift).toBeGreaterThanOrEqual(-2);
  expect(drift).toBeLessThanOrEqual(options.secondsSinceRefusal + 2);
}
