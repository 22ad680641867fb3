import { ServiceUnavailableError } from '@backstage/errors';
import { TokenCheck } from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { countedInWindow, selector } from './promql';
import { END_GRANULARITY_SECONDS } from './usageWindow';

const WINDOW_SECONDS = 3600;

export interface TokenCheckRequest {
  modelName: string;
  limitadorNamespace?: string;
  /** Whether a TokenRateLimitPolicy applies to the model's route. */
  tokenLimited: boolean;
  nowSeconds?: number;
}

const formatter = new Intl.NumberFormat('en');
const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

/**
 * Whether Limitador counts the tokens the model serves: vLLM's prompt and generation tokens
 * against Limitador's `authorized_hits` on the route over the last hour, in one query. Limitador
 * counts a response's `usage.total_tokens`; a streamed response without
 * `stream_options.include_usage` carries none, and its tokens escape the limits.
 */
export class TokenCheckService {
  readonly #prometheus?: PrometheusClient;
  readonly #threshold: number;

  constructor(options: { prometheus?: PrometheusClient; threshold: number }) {
    this.#prometheus = options.prometheus;
    this.#threshold = options.threshold;
  }

  async check(request: TokenCheckRequest): Promise<TokenCheck> {
    const threshold = this.#threshold;
    const base = { windowSeconds: WINDOW_SECONDS, threshold };
    const ns = request.limitadorNamespace;
    if (!request.tokenLimited || !ns) {
      return {
        ...base,
        state: 'no-token-limit',
        message:
          'No TokenRateLimitPolicy applies to this model, so Limitador counts no tokens: there is nothing to compare.',
      };
    }
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured, so token counts cannot be compared. Set maas.prometheus.url and restart the backend.',
      );
    }
    const end =
      Math.floor(
        (request.nowSeconds ?? Date.now() / 1000) / END_GRANULARITY_SECONDS,
      ) * END_GRANULARITY_SECONDS;
    const model = selector([['model_name', '=', request.modelName]]);
    const route = selector([['limitador_namespace', '=', ns]]);
    const total = (metric: string, sel: string) =>
      `sum${countedInWindow(metric, sel, WINDOW_SECONDS)}`;
    const samples = await prometheus
      .query(
        `label_replace(${total('vllm:prompt_tokens_total', model)} + ${total(
          'vllm:generation_tokens_total',
          model,
        )}, "part", "served", "", "")` +
          ` or label_replace(${total(
            'authorized_hits',
            route,
          )}, "part", "counted", "", "")`,
        end,
      )
      .catch(error => {
        throw new ServiceUnavailableError(
          `${(error as Error).message
            .split(prometheus.url)
            .join(
              'maas.prometheus.url',
            )}, so token counts cannot be compared. Ask the platform team to check Prometheus.`,
        );
      });
    const value = (part: string) =>
      samples.find(s => s.metric.part === part)?.value;
    const served = value('served');
    const counted = value('counted');
    if (served === undefined || served < 1) {
      return {
        ...base,
        state: 'no-data',
        ...(counted !== undefined
          ? { countedTokens: Math.round(counted) }
          : {}),
        message:
          served === undefined
            ? `No vLLM token counters for model ${request.modelName} in the last hour, so token counts cannot be compared. Is Prometheus scraping the model server?`
            : 'The model served no tokens in the last hour: nothing to compare.',
      };
    }
    const servedTokens = Math.round(served);
    const countedTokens = Math.round(counted ?? 0);
    const uncountedShare = Math.max(0, (served - (counted ?? 0)) / served);
    const figures = `the model served ${formatter.format(
      servedTokens,
    )} tokens in the last hour and Limitador counted ${formatter.format(
      countedTokens,
    )}: ${percent(uncountedShare)} uncounted, where up to ${percent(
      threshold,
    )} is accepted (maas.usage.tokenMismatchShare)`;
    if (uncountedShare > threshold) {
      return {
        ...base,
        state: 'not-counted',
        servedTokens,
        countedTokens,
        uncountedShare,
        message:
          `Token limits are not being counted: ${figures}. Streamed responses count only with ` +
          '`stream_options: {include_usage: true}`; ask callers to send it, or check that the TokenRateLimitPolicy is enforced.',
      };
    }
    return {
      ...base,
      state: 'counted',
      servedTokens,
      countedTokens,
      uncountedShare,
      message: `Token limits are counted: ${figures}.`,
    };
  }
}
