import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { maasApiRef } from './api/MaasApi';
import maasPlugin from './alpha';

const api = {
  listKeys: async () => [],
  listKeyRequests: async () => [],
  listAuditEvents: async () => [],
};

describe('maas plugin (new frontend system)', () => {
  it('serves My API keys at /maas/keys', async () => {
    renderTestApp({
      features: [maasPlugin],
      initialRouteEntries: ['/maas/keys'],
      apis: [
        [maasApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(
      await screen.findByText('You have no API keys yet'),
    ).toBeInTheDocument();
  });

  it('serves Approvals at /maas/approvals', async () => {
    renderTestApp({
      features: [maasPlugin],
      initialRouteEntries: ['/maas/approvals'],
      apis: [
        [maasApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(
      await screen.findByText('No key requests wait for a decision.'),
    ).toBeInTheDocument();
  });
});
