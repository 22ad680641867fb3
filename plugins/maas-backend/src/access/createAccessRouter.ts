import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MaasAccess, PageAccess } from '@maas-portal/plugin-maas-common';
import express from 'express';
import Router from 'express-promise-router';
import { KeyAccess } from '../permissions/keyAccess';
import { PermissionGate } from '../permissions/PermissionGate';

/**
 * `GET /access`: which of the pages not everyone uses (Approvals, Costs) have anything for the
 * signed-in user, so that the app offers only those. It grants nothing: each of those pages'
 * calls still decides for itself.
 */
export function createAccessRouter(options: {
  gate: PermissionGate;
  /** Who may decide key requests: whether Approvals has anything for the caller. */
  keyAccess: KeyAccess;
  /** Whether the Costs page holds anything for the caller: the costs slice's answer (`costs/costsAccess.ts`). */
  costsAccess: (
    credentials: BackstageCredentials,
    userRef: string,
  ) => Promise<PageAccess>;
}): express.Router {
  const { gate, keyAccess, costsAccess } = options;
  const router = Router();
  router.get('/access', async (req, res) => {
    const { credentials, userRef } = await gate.user(req);
    const [approvals, costs] = await Promise.all([
      keyAccess.approver(credentials),
      costsAccess(credentials, userRef),
    ]);
    const access: MaasAccess = { approvals, costs };
    res.json(access);
  });
  return router;
}
