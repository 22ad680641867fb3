import {
  LiveLimit,
  RateLimit,
  TierApproval,
  TierDefinition,
  TierView,
} from '@maas-portal/plugin-maas-common';
import { formatRates } from '../../format/limits';

/** A tier a user may ask for, with what it allows. */
export interface TierChoice {
  name: string;
  approval: TierApproval;
  /** e.g. `100 per 1m requests, 10,000 per 1h tokens`. */
  summary?: string;
}

/**
 * The tiers one may choose, from the portal's config (`GET /status`: one rate each) or from a
 * model's live limits (`GET /models/by-entity/tiers`). A tier found only in the cluster has no
 * approval in the config, so nobody may ask for it.
 */
export function tierChoices(
  tiers: ReadonlyArray<TierDefinition | TierView>,
): TierChoice[] {
  return tiers.flatMap(t =>
    t.approval
      ? [
          {
            name: t.name,
            approval: t.approval,
            summary: `${formatRates(
              ratesOf(t.requests),
            )} requests, ${formatRates(ratesOf(t.tokens))} tokens`,
          },
        ]
      : [],
  );
}

function ratesOf(limits: RateLimit | LiveLimit[]): RateLimit[] {
  return Array.isArray(limits) ? limits.flatMap(l => l.rates) : [limits];
}
