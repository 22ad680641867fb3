import {
  LiveLimit,
  ModelTiers,
  TierDefinition,
  TierView,
} from '@maas-portal/plugin-maas-common';
import { EffectiveLimit } from '../gateway/effectiveLimits';
import { tierOfPredicates } from '@maas-portal/plugin-maas-node';

function toLiveLimit(entry: EffectiveLimit): LiveLimit {
  return {
    rates: (entry.limit.rates ?? []).map(r => ({
      limit: r.limit,
      window: r.window,
    })),
    counters: (entry.limit.counters ?? []).map(c => c.expression),
    predicates: [
      ...entry.sectionPredicates,
      ...(entry.limit.when ?? []).map(w => w.predicate.trim()),
    ],
    source: entry.source,
  };
}

/**
 * Sorts the live limits of a model into its tiers. Configured tiers come first, in config order,
 * even when no limit names them (the view then shows "no limit in force"); tiers that only the
 * cluster knows follow. A limit whose predicates name no tier in a known form is kept in `other`.
 */
export function buildModelTiers(options: {
  configured: TierDefinition[];
  requests: EffectiveLimit[];
  tokens: EffectiveLimit[];
}): Omit<ModelTiers, 'cache' | 'warnings'> {
  const tiers = new Map<string, TierView>();
  for (const t of options.configured) {
    tiers.set(t.name, {
      name: t.name,
      approval: t.approval,
      configured: true,
      requests: [],
      tokens: [],
    });
  }
  const everyone: LiveLimit[] = [];
  const other: LiveLimit[] = [];
  const place = (entry: EffectiveLimit, field: 'requests' | 'tokens') => {
    const live = toLiveLimit(entry);
    const tier = tierOfPredicates(live.predicates);
    if (tier === null) {
      everyone.push(live);
    } else if (tier === undefined) {
      other.push(live);
    } else {
      if (!tiers.has(tier))
        tiers.set(tier, {
          name: tier,
          configured: false,
          requests: [],
          tokens: [],
        });
      tiers.get(tier)![field].push(live);
    }
  };
  options.requests.forEach(e => place(e, 'requests'));
  options.tokens.forEach(e => place(e, 'tokens'));
  return { tiers: [...tiers.values()], everyone, other };
}
