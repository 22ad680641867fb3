import { LimitSource } from '@maas-portal/plugin-maas-common';
import {
  KuadrantLimit,
  KuadrantLimitsSection,
  LimitPolicy,
} from '@maas-portal/plugin-maas-node';

/** One limit in force, with the policy-wide predicates it inherits. */
export interface EffectiveLimit {
  limit: KuadrantLimit;
  sectionPredicates: string[];
  source: LimitSource;
}

interface Layer {
  strategy: 'atomic' | 'merge';
  entries: Map<string, EffectiveLimit>;
}

type Kind = LimitSource['kind'];
type Section = LimitSource['section'];
/** The section of a policy that applies at its level, if it has one. */
type PickedSection =
  | { section: Section; body: KuadrantLimitsSection }
  | undefined;

function byAge(a: LimitPolicy, b: LimitPolicy): number {
  const ta = a.metadata.creationTimestamp
    ? new Date(a.metadata.creationTimestamp).getTime()
    : 0;
  const tb = b.metadata.creationTimestamp
    ? new Date(b.metadata.creationTimestamp).getTime()
    : 0;
  return ta - tb || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * Builds one level (route, gateway defaults or gateway overrides) from the policies attached there.
 * Several policies at one level: the oldest wins, whole (atomic) or per limit name (merge).
 */
function layerOf(
  kind: Kind,
  policies: LimitPolicy[],
  attachedTo: LimitSource['attachedTo'],
  pick: (policy: LimitPolicy) => PickedSection,
): Layer | undefined {
  let layer: Layer | undefined;
  for (const policy of [...policies].sort(byAge)) {
    const picked = pick(policy);
    if (!picked || !picked.body.limits) continue;
    const strategy = picked.body.strategy ?? 'atomic';
    const sectionPredicates = [
      ...(policy.spec?.when ?? []),
      ...(picked.body.when ?? []),
    ].map(w => w.predicate);
    const entries = new Map<string, EffectiveLimit>();
    for (const [limitName, limit] of Object.entries(picked.body.limits)) {
      entries.set(limitName, {
        limit,
        sectionPredicates,
        source: {
          kind,
          namespace: policy.metadata.namespace ?? '',
          name: policy.metadata.name,
          limitName,
          attachedTo,
          section: picked.section,
        },
      });
    }
    if (!layer) {
      layer = { strategy, entries };
    } else if (layer.strategy === 'merge') {
      for (const [name, entry] of entries)
        if (!layer.entries.has(name)) layer.entries.set(name, entry);
    }
  }
  return layer;
}

/** `lower` overlaid by `upper`: upper wins; with `merge`, names only in lower survive. */
function overlay(
  lower: Layer | undefined,
  upper: Layer | undefined,
  strategy: 'atomic' | 'merge',
): Layer | undefined {
  if (!upper) return lower;
  if (!lower || strategy === 'atomic') return upper;
  return {
    strategy: upper.strategy,
    entries: new Map([...lower.entries, ...upper.entries]),
  };
}

/** A gateway policy's defaults: its `defaults`, else its plain `limits` (implicit defaults). */
function gatewayDefaultsOf(p: LimitPolicy): PickedSection {
  if (p.spec?.defaults) return { section: 'defaults', body: p.spec.defaults };
  if (p.spec?.limits)
    return { section: 'limits', body: { limits: p.spec.limits } };
  return undefined;
}

/** A route policy's limits: its plain `limits`, else its `defaults`, else its `overrides`. */
function routeSectionOf(p: LimitPolicy): PickedSection {
  if (p.spec?.limits)
    return { section: 'limits', body: { limits: p.spec.limits } };
  if (p.spec?.defaults) return { section: 'defaults', body: p.spec.defaults };
  if (p.spec?.overrides)
    return { section: 'overrides', body: p.spec.overrides };
  return undefined;
}

/**
 * The limits of one kind (RateLimitPolicy or TokenRateLimitPolicy) in force for a route, following
 * Gateway API policy attachment as Kuadrant implements it: gateway defaults (and plain `limits` on a
 * gateway, which are implicit defaults) apply unless the route has its own; gateway overrides win
 * over the route's. A `merge` strategy combines the levels by limit name instead of replacing them.
 */
export function effectiveLimits(
  kind: Kind,
  routePolicies: LimitPolicy[],
  gatewayPolicies: LimitPolicy[],
): EffectiveLimit[] {
  const gatewayDefaults = layerOf(
    kind,
    gatewayPolicies,
    'gateway',
    gatewayDefaultsOf,
  );
  const route = layerOf(kind, routePolicies, 'route', routeSectionOf);
  const gatewayOverrides = layerOf(kind, gatewayPolicies, 'gateway', p =>
    p.spec?.overrides
      ? { section: 'overrides', body: p.spec.overrides }
      : undefined,
  );
  const belowOverrides = overlay(
    gatewayDefaults,
    route,
    gatewayDefaults?.strategy ?? 'atomic',
  );
  const result = overlay(
    belowOverrides,
    gatewayOverrides,
    gatewayOverrides?.strategy ?? 'atomic',
  );
  return result ? [...result.entries.values()] : [];
}
