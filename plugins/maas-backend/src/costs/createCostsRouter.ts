import { InputError } from '@backstage/errors';
import {
  COST_TABLES,
  CostTable,
  maasCostsReadPermission,
} from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { PermissionGate } from '../permissions/PermissionGate';
import { costRange } from './costRange';
import { CostService } from './CostService';
import { costsCsv, csvFileName } from './costsCsv';
import { BudgetService } from './BudgetService';

/**
 * `GET /costs`: usage and cost per user, Group and System over a month or a custom range;
 * `GET /costs/export`: one table of it as CSV; `GET /costs/budgets`: the teams' soft budgets of a
 * month. Everything with maas.costs.read; a team lead their own groups; anyone else 403.
 */
export function createCostsRouter(options: {
  gate: PermissionGate;
  costs: CostService;
  budgets: BudgetService;
  /** `maas.costs.timeZone`: the zone calendar months run in. */
  timeZone: string;
}): express.Router {
  const { gate, costs, budgets, timeZone } = options;
  const router = Router();

  const viewer = async (req: express.Request) => {
    const { credentials, userRef } = await gate.user(req);
    const readAll = await gate.decide(credentials, maasCostsReadPermission);
    return { credentials, userRef, readAll: readAll.allowed };
  };

  const report = async (req: express.Request) => {
    const who = await viewer(req);
    return costs.report(costRange(req.query, Date.now() / 1000, timeZone), who);
  };

  router.get('/costs/budgets', async (req, res) => {
    const who = await viewer(req);
    if (req.query.start !== undefined || req.query.end !== undefined) {
      throw new InputError(
        'Budgets are kept per calendar month: give month=YYYY-MM (or nothing, for this month), not start and end',
      );
    }
    const range = costRange(
      { month: req.query.month },
      Date.now() / 1000,
      timeZone,
    );
    res.json(await budgets.report({ ...range, month: range.month! }, who));
  });

  router.get('/costs', async (req, res) => {
    res.json(await report(req));
  });

  router.get('/costs/export', async (req, res) => {
    const table = (req.query.table ?? 'users') as CostTable;
    if (!COST_TABLES.includes(table)) {
      throw new InputError(`table must be one of ${COST_TABLES.join(', ')}`);
    }
    const result = await report(req);
    res
      .type('text/csv; charset=utf-8')
      .attachment(csvFileName(result, table))
      .send(costsCsv(result, table));
  });

  return router;
}
