import {
  CostFigures,
  CostReport,
  CostRow,
  CostScope,
  CostSource,
  DEFAULT_COST_TIME_ZONE,
} from '@maas-portal/plugin-maas-common';
import { CostDirectory } from './costDirectory';
import { CostRange } from './costRange';
import { PricingConfig, pricesFor } from '../config/pricingConfig';

/** One user's usage of one route in one tier over the range, as Prometheus counted it. */
export interface UsageLine {
  /** Limitador's `user` label: the gateway's user id. */
  user: string;
  /** Limitador's `group` label: the tier. */
  tier?: string;
  /** Limitador's `limitador_namespace`: `<route namespace>/<route name>`. */
  route: string;
  calls: number;
  tokens: number;
}

export type CostVisibility =
  | { scope: 'all' }
  | { scope: 'groups'; groups: string[] };

/** The row of users in no catalog group, and of models in no System. */
export const NO_GROUP = { ref: '', title: 'No group' };
export const NO_SYSTEM = { ref: '', title: 'No system' };

const zero = (): CostFigures => ({ calls: 0, tokens: 0, cost: null });

function rounder(decimals: number) {
  const factor = 10 ** decimals;
  return (x: number) => Math.round((x + Number.EPSILON) * factor) / factor;
}

/**
 * Turns Prometheus' per user, tier and route counts into the Costs tables. Counts are whole
 * numbers; each line's cost is rounded to `decimals` first and rows add rounded lines, so a row
 * is the sum of what its lines would show, in JSON and CSV alike. A line no price applies to costs
 * null, and the warnings say which model and tier.
 */
export function buildCostReport(input: {
  lines: UsageLine[];
  directory: CostDirectory;
  pricing?: PricingConfig;
  range: CostRange;
  visibility: CostVisibility;
  ledGroups?: string[];
  warnings: string[];
  /** Where the lines' figures came from (recording rules or raw counters). */
  source?: CostSource;
}): CostReport {
  const { directory, pricing, visibility } = input;
  const decimals = pricing?.decimals ?? 2;
  const round = rounder(decimals);
  const add = (into: CostFigures, line: CostFigures) => {
    into.calls += line.calls;
    into.tokens += line.tokens;
    if (line.cost !== null) into.cost = round((into.cost ?? 0) + line.cost);
  };
  const visibleGroups =
    visibility.scope === 'groups' ? new Set(visibility.groups) : undefined;
  const unpriced = new Set<string>();

  type Row = CostRow & { members: Set<string> };
  const tables = {
    users: new Map<string, Row>(),
    groups: new Map<string, Row>(),
    systems: new Map<string, Row>(),
    models: new Map<string, Row>(),
  };
  const rowIn = (
    table: Map<string, Row>,
    key: { ref: string; title: string },
  ): Row => {
    let row = table.get(key.ref);
    if (!row) {
      row = { ...key, ...zero(), members: new Set() };
      table.set(key.ref, row);
    }
    return row;
  };
  // A group's row counts its members and the members of its child groups, once each.
  const ancestors = new Map<string, string[]>();
  for (const group of directory.groups.values())
    for (const child of group.children)
      ancestors.set(child, [...(ancestors.get(child) ?? []), group.ref]);
  const withAncestors = (groups: string[]) => {
    const all = new Set<string>();
    const visit = (ref: string) => {
      if (all.has(ref)) return;
      all.add(ref);
      (ancestors.get(ref) ?? []).forEach(visit);
    };
    groups.forEach(visit);
    return [...all];
  };
  if (visibleGroups)
    for (const ref of visibleGroups)
      rowIn(tables.groups, {
        ref,
        title: directory.groups.get(ref)?.title ?? ref,
      });

  for (const line of input.lines) {
    const known = directory.users.get(line.user);
    const user = known ?? { ref: line.user, title: line.user, groups: [] };
    if (visibleGroups && !user.groups.some(g => visibleGroups.has(g))) continue;
    const model = directory.modelsByRoute.get(line.route);
    const calls = Math.round(line.calls);
    const tokens = Math.round(line.tokens);
    let cost: number | null = null;
    if (pricing) {
      const prices = pricesFor(pricing, model?.inferenceService, line.tier);
      if (Object.keys(prices).length === 0) {
        unpriced.add(
          `${model?.inferenceService ?? line.route} in tier ${
            line.tier ?? '(none)'
          }`,
        );
      } else {
        cost = round(
          (calls / 1000) * (prices.perThousandRequests ?? 0) +
            (tokens / 1e6) * (prices.perMillionTokens ?? 0),
        );
      }
    }
    const figures = { calls, tokens, cost };
    const userRow = rowIn(tables.users, user);
    userRow.groups = user.groups;
    add(userRow, figures);
    const groups = withAncestors(user.groups).filter(
      g => !visibleGroups || visibleGroups.has(g),
    );
    for (const ref of groups.length > 0 ? groups : [NO_GROUP.ref]) {
      const row = rowIn(
        tables.groups,
        ref === NO_GROUP.ref
          ? NO_GROUP
          : { ref, title: directory.groups.get(ref)?.title ?? ref },
      );
      add(row, figures);
      row.members.add(user.ref);
    }
    const system = model?.system
      ? {
          ref: model.system,
          title: directory.systems.get(model.system) ?? model.system,
        }
      : NO_SYSTEM;
    const systemRow = rowIn(tables.systems, system);
    add(systemRow, figures);
    systemRow.members.add(user.ref);
    const modelRow = rowIn(
      tables.models,
      model
        ? { ref: model.ref, title: model.title }
        : { ref: line.route, title: line.route },
    );
    add(modelRow, figures);
    modelRow.members.add(user.ref);
  }

  const rows = (table: Map<string, Row>, withUsers: boolean): CostRow[] =>
    [...table.values()]
      .map(({ members, ...row }) =>
        withUsers ? { ...row, users: members.size } : row,
      )
      .sort(
        (a, b) =>
          (b.cost ?? -1) - (a.cost ?? -1) ||
          b.calls - a.calls ||
          a.title.localeCompare(b.title),
      );
  const users = rows(tables.users, false);
  const total = zero();
  users.forEach(u => add(total, u));
  const warnings = [...input.warnings];
  if (unpriced.size > 0) {
    warnings.push(
      `No price in maas.pricing applies to ${[...unpriced]
        .sort()
        .join(', ')}: their cost is left out (add a tier or model price).`,
    );
  }
  const scope: CostScope = visibility.scope;
  return {
    start: input.range.start,
    end: input.range.end,
    ...(input.range.month ? { month: input.range.month } : {}),
    timeZone: input.range.timeZone ?? DEFAULT_COST_TIME_ZONE,
    scope,
    ...(input.ledGroups ? { ledGroups: input.ledGroups } : {}),
    priced: pricing !== undefined,
    ...(pricing ? { currency: pricing.currency } : {}),
    decimals,
    users,
    groups: rows(tables.groups, true),
    systems: rows(tables.systems, true),
    models: rows(tables.models, true),
    total,
    warnings,
    ...(input.source ? { source: input.source } : {}),
  };
}
