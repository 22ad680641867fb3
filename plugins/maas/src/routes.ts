import { createRouteRef } from '@backstage/core-plugin-api';

/** My API keys, for apps on the legacy frontend system. */
export const keysRouteRef = createRouteRef({ id: 'maas-keys' });

/** Approvals, for apps on the legacy frontend system. */
export const approvalsRouteRef = createRouteRef({ id: 'maas-approvals' });
