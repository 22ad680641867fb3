import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import {
  catalogApiRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { maasApiRef } from './api/MaasApi';
import maasPlugin from './alpha';

const api = {
  listKeys: async () => [],
  listKeyRequests: async () => [],
  listAuditEvents: async () => [],
  listModels: async () => ({
    items: [],
    notReadable: [],
    everyInferenceService: false,
    warnings: [],
    cache: { ageSeconds: 0 },
  }),
};

describe('maas plugin (new frontend system)', () => {
  it.each([
    ['My API keys', '/maas/keys', 'You have no API keys yet'],
    ['Approvals', '/maas/approvals', 'No key requests wait for a decision.'],
    ['Models', '/maas/models', /No model is in the catalog yet/],
  ])('serves %s at %s', async (_page, path, content) => {
    renderTestApp({
      features: [maasPlugin],
      initialRouteEntries: [path],
      apis: [
        [maasApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApiMock({ entities: [] })],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
      ],
    });
    // Tables render twice as their data settles; wait for the text to stay.
    await waitFor(() => expect(screen.getByText(content)).toBeInTheDocument());
  });
});

describe('maas plugin extension ids', () => {
  // The app refers to these by id: its sidebar (page:maas/models) and app-config.yaml's order of
  // entity tabs (entity-content:maas/usage). A renamed extension would drop out silently.
  it.each([
    'page:maas/models',
    'entity-content:maas/usage',
    'entity-card:maas/model',
  ])('has %s', id => {
    expect(maasPlugin.getExtension(id as any)).toBeDefined();
  });
});
