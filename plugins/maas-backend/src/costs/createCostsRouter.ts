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

/**
 * `GET /costs`: usage and cost per user, Group and System over a month or a custom range;
 * `GET /costs/export`: one table of it as CSV. Everything with maas.costs.read; a team lead their
 * own groups; anyone else 403.
 */
export function createCostsRouter(options: {
  gate: PermissionGate;
  costs: CostService;
}): express.Router {
  const { gate, costs } = options;
  const router = Router();

  const report = async (req: express.Request) => {
    const { credentials, userRef } = await gate.user(req);
    const range = costRange(req.query, Date.now() / 1000);
    const readAll = await gate.decide(credentials, maasCostsReadPermission);
    return costs.report(range, {
      credentials,
      userRef,
      readAll: readAll.allowed,
    });
  };

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
