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
  it.each([
    ['My API keys', '/maas/keys', 'You have no API keys yet'],
    ['Approvals', '/maas/approvals', 'No key requests wait for a decision.'],
  ])('serves %s at %s', async (_page, path, content) => {
    renderTestApp({
      features: [maasPlugin],
      initialRouteEntries: [path],
      apis: [
        [maasApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ],
    });
    expect(await screen.findByText(content)).toBeInTheDocument();
  });
});
