import { CompoundEntityRef } from '@backstage/catalog-model';

/**
 * Where each notification sends people to act: paths the app serves. The pages' paths are the
 * frontend plugin's (`plugins/maas/src/alpha.tsx`: `/maas/keys`, `/maas/approvals`, and the
 * entity page's `usage` tab), which the browser tests open at these paths (packages/e2e:
 * portal.exclusive.test.ts for My API keys and Approvals, quotaInBrowser.exclusive.test.ts for a
 * model's Usage tab).
 */
export const notificationLinks = {
  /** Approvals: where an approver decides a key request. */
  approvals: '/maas/approvals',
  /** My API keys: a requester's requests and keys, with their expiry. */
  myKeys: '/maas/keys',
  /** Costs: a team lead's groups, their spend and budgets this month. */
  costs: '/maas/costs',
  /** A model's Usage tab on its catalog page (Backstage's entity route lowercases kind and namespace). */
  modelUsage: (entity: CompoundEntityRef) =>
    `/catalog/${encodeURIComponent(
      entity.namespace.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(
      entity.kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(entity.name)}/usage`,
};
