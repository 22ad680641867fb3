/*
 * The harness Prometheus read directly, for the live-traffic tests: what it holds of a model's calls, and a
 * read of the portal that waits until it holds every call the tally counted. Only then may the portal's
 * figures be compared with the calls, exactly.
 */
import { eventually, promNumber } from '@maas-portal/harness/testing';
import { CallTally, LiveModel } from './liveTraffic';

/** The route's Limitador series and the model's vLLM token counters (one simulator: no restarts). */
export const heldSeries = (model: LiveModel) => ({
  authorized: `authorized_calls{limitador_namespace="${model.limitadorNamespace}"}`,
  limited: `limited_calls{limitador_namespace="${model.limitadorNamespace}"}`,
  prompt_tokens: `vllm:prompt_tokens_total{model_name="${model.name}"}`,
  completion_tokens: `vllm:generation_tokens_total{model_name="${model.name}"}`,
});

/**
 * Waits until Prometheus holds every call and token the tally counted, and the portal's window (`get`'s
 * `body.end`) ends after the sample that holds them, then returns that read. Waiting for a scrape after the
 * last call is not enough: the simulator adds a response's tokens to its counters just after it answers, so
 * a scrape then misses them (a full parallel pass once read 0 prompt tokens for 48).
 */
export async function readWhenSettled<
  T extends { body: { end: number; state?: string } },
>(model: LiveModel, tally: CallTally, get: () => Promise<T>): Promise<T> {
  const expected = {
    authorized: tally.authorized,
    limited: tally.limited,
    prompt_tokens: tally.usages.reduce((n, u) => n + u.prompt_tokens, 0),
    completion_tokens: tally.usages.reduce(
      (n, u) => n + u.completion_tokens,
      0,
    ),
  };
  const series = heldSeries(model);
  const held = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(series).map(
          async ([part, s]) =>
            [part, await promNumber(`sum(last_over_time(${s}[1h]))`)] as const,
        ),
      ),
    );
  const scrape = await eventually(
    async () => {
      expect(await held()).toEqual(expected);
      // The latest sample of each target: the window must reach the later of the two.
      return Math.max(
        ...(await Promise.all(
          [series.authorized, series.prompt_tokens].map(s =>
            promNumber(`max(timestamp(${s}))`),
          ),
        )),
      );
    },
    60_000,
    500,
  );
  return eventually(
    async () => {
      const res = await get();
      if (res.body.end < scrape)
        throw new Error(`the window ends at ${res.body.end}, before ${scrape}`);
      // Under a full parallel pass the portal has once read no series of the route although
      // Prometheus held them (cause not found): read again, say so, and if it lasts 30 s the
      // assertions fail on it.
      if (res.body.state === 'no-series') {
        process.stderr.write(
          `[live traffic] the portal read no series of ${model.limitadorNamespace} although Prometheus holds them; reading again\n`,
        );
        throw new Error('the portal read no series of the route');
      }
      return res;
    },
    30_000,
    500,
  );
}
