import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { BudgetReport } from '@maas-portal/plugin-maas-common';
import { TeamBudget } from '../config/budgetsConfig';
import { budgetReport } from './budgetReport';
import { titleOf } from './costDirectory';
import { CostRange } from './costRange';
import { CostService, CostViewer } from './CostService';

/**
 * Soft budgets per team: a month's Costs report (the same figures, cache and visibility as the
 * Costs page) held against `maas.budgets`. Nothing is blocked; see budgetAlerts.ts for the leads'
 * notifications.
 */
export class BudgetService {
  readonly #costs: CostService;
  readonly #catalog?: CatalogService;
  readonly budgets: TeamBudget[];

  constructor(options: {
    costs: CostService;
    budgets: TeamBudget[];
    /** For the titles of budgeted groups nobody in which called this month (no Costs row names them). */
    catalog?: CatalogService;
  }) {
    this.#costs = options.costs;
    this.#catalog = options.catalog;
    this.budgets = options.budgets;
  }

  /** The budgets of a calendar month the viewer may see: a 403 for whom Costs refuses. */
  async report(
    range: CostRange & { month: string },
    viewer: CostViewer,
  ): Promise<BudgetReport> {
    const report = budgetReport(
      await this.#costs.report(range, viewer),
      this.budgets,
    );
    const untitled = report.budgets.filter(b => b.title === b.group);
    if (untitled.length === 0 || !this.#catalog) return report;
    const { items } = await this.#catalog.getEntitiesByRefs(
      {
        entityRefs: untitled.map(b => b.group),
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile.displayName',
        ],
      },
      { credentials: viewer.credentials },
    );
    const titles = new Map<string, string>(
      items.flatMap(e =>
        e ? [[stringifyEntityRef(e), titleOf(e)] as [string, string]] : [],
      ),
    );
    return {
      ...report,
      budgets: report.budgets.map(b => ({
        ...b,
        title: titles.get(b.group) ?? b.title,
      })),
    };
  }
}
