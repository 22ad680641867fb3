/**
 * Showback: usage and cost per user, per catalog Group and per System over a calendar month or a
 * custom range (`GET /costs`), priced with `maas.pricing`.
 */

/**
 * Calls and tokens over the range, and what they cost (null: no price applies).
 *
 * @public
 */
export interface CostFigures {
  /**
   * Calls served (Limitador's `authorized_calls`, counted once per call: where a RateLimitPolicy and a
   * TokenRateLimitPolicy both apply, Limitador counts each served call twice and the portal halves it);
   * refused calls are not billed.
   */
  calls: number;
  /**
   * Tokens counted by the gateway: Limitador's `authorized_hits` where a TokenRateLimitPolicy applies
   * (less the request limit's 1 per call where both apply); 0 where none applies, as Limitador counts
   * no tokens there (the report's warnings name those routes).
   */
  tokens: number;
  /** In `currency`, rounded to `decimals`; null when no price applies (or no pricing is configured). */
  cost: number | null;
}

/**
 * The tables of the Costs page, and of its CSV download (`by`).
 *
 * @public
 */
export const COST_TABLES = ['users', 'groups', 'systems', 'models'] as const;
/** @public */
export type CostTable = (typeof COST_TABLES)[number];

/**
 * One row of a cost table.
 *
 * @public
 */
export interface CostRow extends CostFigures {
  /** The user's, group's, system's or model's entity ref; for a user the catalog does not know, the gateway's user id. */
  ref: string;
  /** A name to show: the entity's title or display name, else its name. */
  title: string;
  /** Users: their groups (entity refs); groups: how many users called; systems/models: how many users called. */
  groups?: string[];
  users?: number;
}

/**
 * Who sees what. `all`: everything (maas.costs.read). `groups`: a team lead's own groups (and
 * their child groups), and the users who are members of them.
 *
 * @public
 */
export type CostScope = 'all' | 'groups';

/**
 * `GET /costs`: usage and cost over a range.
 *
 * @public
 */
export interface CostReport {
  /** Unix seconds; `end` is never after the request. */
  start: number;
  end: number;
  /** `YYYY-MM` when a calendar month was asked for, counted in `timeZone`. */
  month?: string;
  /**
   * `maas.costs.timeZone` (IANA, default `UTC`): the zone calendar months run in, from local
   * midnight on the 1st, and custom ranges' days, from their midnights.
   */
  timeZone: string;
  scope: CostScope;
  /** In scope `groups`: the groups the caller leads (entity refs). */
  ledGroups?: string[];
  /** Whether `maas.pricing` is configured; without it costs are null and the page says so. */
  priced: boolean;
  currency?: string;
  decimals: number;
  users: CostRow[];
  groups: CostRow[];
  systems: CostRow[];
  models: CostRow[];
  /** The sum over `users`. */
  total: CostFigures;
  /** Sentences about what the numbers leave out (a model without a price, routes without user labels). */
  warnings: string[];
  /**
   * Where the figures came from: the recording rules of `deploy/prometheus-rules.yaml` (with the edges
   * of the range, and users whose counters restarted, read raw), or Limitador's raw counters.
   */
  source?: CostSource;
}

/**
 * Where a report's figures came from, and a sentence on how (which windows were recorded, or why raw).
 *
 * @public
 */
export interface CostSource {
  /** The recording rules of `deploy/prometheus-rules.yaml`, or Limitador's raw counters. */
  kind: 'recording-rules' | 'raw';
  /** The sentence the Costs page shows under its tables. */
  detail: string;
}
