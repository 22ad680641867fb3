/**
 * Soft budgets per team (`maas.budgets`, `GET /costs/budgets`): each Group's spend in a calendar
 * month (in `maas.costs.timeZone`), as the Costs page computes its row for that month, against its monthly amount.
 * Nothing is blocked when a budget is spent; its team leads are told at each threshold.
 */
import { CostScope, CostSource } from './costs';

/**
 * The shares of a budget at which a team's leads are notified and the Costs page changes the
 * bar's colour: 80 % and 100 %.
 *
 * @public
 */
export const BUDGET_THRESHOLDS = [0.8, 1] as const;

/**
 * One team's budget in a month.
 *
 * @public
 */
export interface TeamBudgetStatus {
  /** The Group's entity ref. */
  group: string;
  /** Its title in the catalog, else its ref. */
  title: string;
  /** The monthly amount (`maas.budgets[].monthly`), in the report's currency. */
  monthly: number;
  /**
   * The cost of the group's row on the Costs page for the month so far (its members and its child
   * groups' members, once each), rounded to the report's decimals; 0 when nobody in it called.
   */
  spend: number;
  /** `spend / monthly`, unrounded. */
  share: number;
  /** The highest of {@link BUDGET_THRESHOLDS} the share has reached, if any. */
  reached?: (typeof BUDGET_THRESHOLDS)[number];
  /** How many of its users called in the month. */
  users: number;
}

/**
 * `GET /costs/budgets`: the budgets of a month the caller may see (everything with
 * maas.costs.read, a team lead the groups they lead), soft: nothing is blocked.
 *
 * @public
 */
export interface BudgetReport {
  /** `YYYY-MM`, in `timeZone`. */
  month: string;
  /** `maas.costs.timeZone` (IANA): the zone the month runs in, from local midnight on the 1st. */
  timeZone: string;
  /** Unix seconds: the month's start. */
  start: number;
  /** Unix seconds: up to when its figures count (now, for this month). */
  end: number;
  /** Unix seconds: the start of the next month, when the budgets start again. */
  monthEnd: number;
  /** Whose budgets: every team (maas.costs.read), or the groups the caller leads. */
  scope: CostScope;
  /** `maas.pricing.currency`; absent when the portal has no pricing (and so no budgets). */
  currency?: string;
  /** Decimals the amounts are given to (`maas.pricing.decimals`). */
  decimals: number;
  /** One per budgeted group the caller may see, in `maas.budgets` order. */
  budgets: TeamBudgetStatus[];
  /** What the Costs report of the month says its figures leave out. */
  warnings: string[];
  /** Where the month's figures came from, as its Costs report says (recording rules or raw counters). */
  source?: CostSource;
}
