import { createApiRef } from '@backstage/core-plugin-api';
import { MaasStatus } from '@maas-portal/plugin-maas-common';

/** The frontend's view of the MaaS backend (`/api/maas`). */
export interface MaasApi {
  getStatus(): Promise<MaasStatus>;
}

export const maasApiRef = createApiRef<MaasApi>({ id: 'plugin.maas.service' });
