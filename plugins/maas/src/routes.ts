import { createRouteRef } from '@backstage/core-plugin-api';

/** Models, for apps on the legacy frontend system. */
export const modelsRouteRef = createRouteRef({ id: 'maas-models' });

/** My API keys, for apps on the legacy frontend system. */
export const keysRouteRef = createRouteRef({ id: 'maas-keys' });

/** Approvals, for apps on the legacy frontend system. */
export const approvalsRouteRef = createRouteRef({ id: 'maas-approvals' });

/** Costs (showback), for apps on the legacy frontend system. */
export const costsRouteRef = createRouteRef({ id: 'maas-costs' });
