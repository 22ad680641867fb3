import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CostReport,
  MAAS_TEAM_LEADS_ANNOTATION,
  ObjectRef,
} from '@maas-portal/plugin-maas-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import {
  noPrometheus,
  prometheusUnavailable,
} from '../prometheus/prometheusUnavailable';
import { readCostCounts } from './costCounts';
import {
  countCalls,
  countingSentence,
  limitKindsOf,
  RawCounts,
  RouteLimits,
} from '../gateway/routeCounting';
import { buildCostReport, CostVisibility, UsageLine } from './buildCostReport';
import { CostDirectory, groupsLedBy, readCostDirectory } from './costDirectory';
import { CostRange } from './costRange';
import { CostUsage, CostUsageCache, SETTLED_SECONDS } from './CostUsageCache';
import { CostCounts, SettledCostCounts } from './SettledCostCounts';
import { PricingConfig } from '../config/pricingConfig';

/**
 * How old a range's figures may be to be shown at once, their end saying when, while newer ones
 * are computed: showback figures a quarter of an hour old are still the month's figures, and a
 * 30-day report of 1,000 users costs Prometheus seconds.
 */
export const COST_STALE_SECONDS = 15 * 60;

/** How long the recording rules are taken as absent after a probe found none in a range. */
const RULES_ABSENT_MS = 60 * 1000;

/** Viewers whose catalog view is kept at once; past it the kept ones are dropped. */
const MAX_DIRECTORIES = 200;

/** Who asks: everything (maas.costs.read), or the groups a team lead leads. */
export interface CostViewer {
  credentials: BackstageCredentials;
  userRef?: string;
  readAll: boolean;
}

/** Usage and cost per user, catalog Group and System over a range: Prometheus, the catalog, maas.pricing. */
export class CostService {
  readonly #prometheus?: PrometheusClient;
  readonly #catalog: CatalogService;
  readonly #pricing?: PricingConfig;
  readonly #routeOf?: (isvc: ObjectRef) => string | undefined;
  readonly #limitsOf?: (limitadorNamespace: string) => RouteLimits | undefined;
  readonly #routesRead?: () => Promise<void>;
  readonly #usage: CostUsageCache;
  readonly #settled?: SettledCostCounts;
  readonly #logger?: LoggerService;
  readonly #freshMs: number;
  readonly #directories = new Map<
    string,
    { at: number; directory: Promise<CostDirectory> }
  >();
  /** Until when the recording rules are taken as absent (Date.now()), after a probe found none. */
  #rulesAbsentUntil = 0;
  readonly #reports = new WeakMap<
    CostUsage,
    { key: string; directory: CostDirectory; report: CostReport }
  >();

  constructor(options: {
    prometheus?: PrometheusClient;
    catalog: CatalogService;
    pricing?: PricingConfig;
    /** The route of a model whose entity names none (the cluster's watch cache). */
    routeOf?: (isvc: ObjectRef) => string | undefined;
    /**
     * The limits that apply to a route (the cluster's watch cache: ModelService.routeLimits), which
     * decide how its counters give calls and tokens; without it, or for a route it does not know,
     * calls are Limitador's authorized_calls and tokens are not known.
     */
    limitsOf?: (limitadorNamespace: string) => RouteLimits | undefined;
    /**
     * Resolves once `limitsOf` knows the cluster's routes (ClusterState.firstRead): figures computed
     * before it, just after a start, would count routes under two policies twice and give no tokens.
     */
    routesRead?: () => Promise<void>;
    /** How long a range's figures are reused as they are (maas.prometheus.cacheTtlSeconds). */
    freshSeconds?: number;
    /** How old figures may be to be shown at once while newer ones are computed. */
    staleSeconds?: number;
    /** Where the counts of ranges that have ended are kept (the portal's database). */
    settled?: SettledCostCounts;
    /** Told when the kept counts cannot be read or written (the figures then come from Prometheus). */
    logger?: LoggerService;
  }) {
    this.#settled = options.settled;
    this.#logger = options.logger;
    this.#prometheus = options.prometheus;
    this.#catalog = options.catalog;
    this.#pricing = options.pricing;
    this.#routeOf = options.routeOf;
    this.#limitsOf = options.limitsOf;
    this.#routesRead = options.routesRead;
    this.#freshMs = (options.freshSeconds ?? 0) * 1000;
    this.#usage = new CostUsageCache({
      freshMs: this.#freshMs,
      staleMs: (options.staleSeconds ?? 0) * 1000,
    });
  }

  async report(range: CostRange, viewer: CostViewer): Promise<CostReport> {
    const directory = await this.#directory(viewer);
    let visibility: CostVisibility = { scope: 'all' };
    let ledGroups: string[] | undefined;
    if (!viewer.readAll) {
      ledGroups = viewer.userRef ? groupsLedBy(directory, viewer.userRef) : [];
      if (ledGroups.length === 0) {
        throw new NotAllowedError(
          `Costs are shown to admins (the maas.costs.read permission) and to team leads, who see the groups ` +
            `whose ${MAAS_TEAM_LEADS_ANNOTATION} annotation names them; you are neither. Ask your platform ` +
            'team or your team lead for the figures.',
        );
      }
      visibility = { scope: 'groups', groups: ledGroups };
    }
    const { usage, warning } = await this.#usage.get(
      { ...range, open: range.open ?? false },
      r => this.#compute(r),
      () => this.#latestKept(range),
    );
    const warnings = [
      ...(warning ? [warning] : []),
      ...(usage.counting ?? []),
      ...(usage.unlabelled.length > 0 && viewer.readAll
        ? [
            `Calls without a user label are in no row: ${usage.unlabelled.join(
              ', ',
            )}. ` +
              'A TelemetryPolicy on the Gateway adds the user and group labels (Kuadrant 1.3+).',
          ]
        : []),
    ];
    // The same figures, directory and viewer give the same report: reloads reuse it.
    const memoKey = `${range.start}|${range.month ?? ''}|${viewer.readAll}|${
      viewer.userRef ?? ''
    }|${warnings.join('|')}`;
    const memo = this.#reports.get(usage);
    if (memo?.key === memoKey && memo.directory === directory)
      return memo.report;
    const report = buildCostReport({
      lines: usage.lines,
      directory,
      pricing: this.#pricing,
      // Figures served while newer ones are computed end where they were computed.
      range: { ...range, end: usage.end },
      visibility,
      ledGroups,
      warnings,
      source: usage.source,
    });
    this.#reports.set(usage, { key: memoKey, directory, report });
    return report;
  }

  /**
   * The catalog as the viewer may read it, reused per viewer for the fresh time: a report of
   * 1,000 users reads some thousand entities, and reloads within seconds need not read them again.
   */
  #directory(viewer: CostViewer): Promise<CostDirectory> {
    const key = viewer.userRef ?? '';
    const now = Date.now();
    const kept = this.#directories.get(key);
    if (kept && now - kept.at <= this.#freshMs) return kept.directory;
    const directory = readCostDirectory({
      catalog: this.#catalog,
      credentials: viewer.credentials,
      routeOf: this.#routeOf,
    });
    if (this.#freshMs > 0) {
      if (this.#directories.size >= MAX_DIRECTORIES) this.#directories.clear();
      this.#directories.set(key, { at: now, directory });
      directory.catch(() => this.#directories.delete(key));
    }
    return directory;
  }

  /**
   * One query for the whole range: each user's calls and tokens per tier and route, counted by the
   * limits the cluster applies to each route when the figures are computed (routeCounting.countCalls).
   */
  async #compute(range: CostRange): Promise<CostUsage> {
    const [counts] = await Promise.all([
      this.#query(range),
      this.#routesRead?.(),
    ]);
    return this.#usageOf(counts, range.end);
  }

  /**
   * This month's latest figures kept in the database by whichever replica computed them last (the task
   * every 10 minutes, a viewer's load), for a replica that holds none in memory (CostUsageCache's seed).
   */
  async #latestKept(
    range: CostRange,
  ): Promise<{ usage: CostUsage; computedAt: number } | undefined> {
    if (!range.open || range.month === undefined || !this.#settled)
      return undefined;
    const latest = await this.#settled.latest(range).catch(error => {
      this.#logger?.warn(
        `Costs: the latest counts of ${range.month} could not be read: ${error}`,
      );
      return undefined;
    });
    await this.#routesRead?.();
    return (
      latest && {
        usage: this.#usageOf(latest, latest.end),
        computedAt: latest.computedAt.getTime(),
      }
    );
  }

  /** A report's usage lines from the counts, up to `end`. */
  #usageOf({ samples, source }: CostCounts, end: number): CostUsage {
    const raw = new Map<
      string,
      { user: string; tier?: string; route: string; counts: RawCounts }
    >();
    const unlabelled: string[] = [];
    const keyOf = (m: Record<string, string>) =>
      `${m.user}\u0000${m.group ?? ''}\u0000${m.limitador_namespace}`;
    for (const s of samples) {
      const { part, user, group, limitador_namespace: route } = s.metric;
      if (part === 'unlabelled') {
        if (Math.round(s.value) > 0)
          unlabelled.push(`${route} (${Math.round(s.value)} calls)`);
        continue;
      }
      if (part === 'limited') continue;
      const key = keyOf(s.metric);
      let line = raw.get(key);
      if (!line) {
        line = {
          user,
          tier: group,
          route,
          counts: { authorizedCalls: 0, refusals: [] },
        };
        raw.set(key, line);
      }
      if (part === 'calls') line.counts.authorizedCalls = s.value;
      else line.counts.authorizedHits = s.value;
    }
    // Refusals only matter for the lines of users with authorized calls: a user refused every call
    // has no row, as before.
    for (const s of samples.filter(x => x.metric.part === 'limited'))
      raw.get(keyOf(s.metric))?.counts.refusals.push({
        limitName: s.metric.limit_name,
        value: s.value,
      });

    const limitsByRoute = new Map<string, RouteLimits | undefined>();
    const limitsOf = (route: string) => {
      if (!limitsByRoute.has(route))
        limitsByRoute.set(route, this.#limitsOf?.(route));
      return limitsByRoute.get(route);
    };
    const noTokens = new Map<string, Set<string>>();
    const bounded = new Map<string, { calls: number; least: number }>();
    const lines: UsageLine[] = [...raw.values()].map(line => {
      const limits = limitsOf(line.route);
      const counted = countCalls(
        limitKindsOf(limits, line.tier ?? null),
        limits,
        line.counts,
      );
      if (counted.tokens === undefined) {
        const why = countingSentence(counted.basis);
        noTokens.set(
          line.route,
          (noTokens.get(line.route) ?? new Set()).add(why),
        );
      }
      if (counted.callsAtLeast !== undefined) {
        const b = bounded.get(line.route) ?? { calls: 0, least: 0 };
        b.calls += counted.calls;
        b.least += counted.callsAtLeast;
        bounded.set(line.route, b);
      }
      return {
        user: line.user,
        tier: line.tier,
        route: line.route,
        calls: counted.calls,
        tokens: counted.tokens ?? 0,
      };
    });
    const counting = [
      ...[...noTokens]
        .sort()
        .map(
          ([route, why]) =>
            `Limitador counts no tokens on ${route}, so its tokens are 0 here and no per-token price is charged ` +
            `for them; its calls are counted under ${[...why].join('; and ')}.`,
        ),
      ...[...bounded]
        .sort()
        .map(
          ([route, b]) =>
            `Calls on ${route} are an estimate, between ${Math.round(
              b.least,
            )} and ${Math.round(b.calls)}: ` +
            'a RateLimitPolicy and a TokenRateLimitPolicy both count them and its refusals carry no limit_name ' +
            "(the Limitador CR's telemetry: exhaustive adds it), so the token limit's refusals cannot be taken out; " +
            'the rows count the most.',
        ),
    ];
    return {
      lines,
      unlabelled: unlabelled.sort(),
      ...(counting.length > 0 ? { counting } : {}),
      end,
      source,
    };
  }

  /**
   * The usage of `range` computed now if it is not in memory, so that its first viewer does not wait:
   * the monthly task asks for last month (kept in the database) and this month (kept in this replica's
   * memory, refreshed as any viewer's load refreshes it).
   */
  async prepare(range: CostRange): Promise<void> {
    await this.#usage.get({ ...range, open: range.open ?? false }, r =>
      this.#compute(r),
    );
  }

  /**
   * The counts of a range: kept ones for a range that has ended (settled: no sample of it is still to
   * come), else from Prometheus (readCostCounts), kept when settled. The database failing costs speed,
   * never figures: the counts then come from Prometheus, and the failure is logged.
   */
  async #query(range: CostRange): Promise<CostCounts> {
    const settled =
      !range.open && range.end <= Date.now() / 1000 - SETTLED_SECONDS;
    if (settled && this.#settled) {
      const kept = await this.#settled.get(range).catch(error => {
        this.#logger?.warn(
          `Costs: the kept counts of ${
            range.month ?? 'a range'
          } could not be read, asking Prometheus: ${error}`,
        );
        return undefined;
      });
      if (kept)
        return {
          samples: kept.samples,
          source: {
            ...kept.source,
            detail: `${
              kept.source.detail
            } Kept in the portal's database since ${kept.computedAt
              .toISOString()
              .slice(0, 16)
              .replace(
                'T',
                ' ',
              )} UTC: the range has ended, so its counts no longer change.`,
          },
        };
    }
    const prometheus = this.#prometheus;
    if (!prometheus) {
      throw noPrometheus('costs cannot be shown');
    }
    let counts: CostCounts & { rulesFound?: boolean };
    try {
      counts = await readCostCounts(prometheus, range, {
        probe: Date.now() >= this.#rulesAbsentUntil,
      });
    } catch (error) {
      throw prometheusUnavailable(prometheus, error, 'costs cannot be shown');
    }
    // No evaluation of the rules in the range: not asked again for a while (one query a report).
    if (counts.rulesFound === false)
      this.#rulesAbsentUntil = Date.now() + RULES_ABSENT_MS;
    const keep = { samples: counts.samples, source: counts.source };
    if (settled && this.#settled)
      await this.#settled
        .put(range, keep)
        .catch(error =>
          this.#logger?.warn(
            `Costs: the counts of ${
              range.month ?? 'a range'
            } could not be kept in the database: ${error}`,
          ),
        );
    if (range.open && range.month !== undefined && this.#settled)
      await this.#settled
        .putLatest(range, keep)
        .catch(error =>
          this.#logger?.warn(
            `Costs: the latest counts of ${range.month} could not be kept in the database: ${error}`,
          ),
        );
    return keep;
  }
}
