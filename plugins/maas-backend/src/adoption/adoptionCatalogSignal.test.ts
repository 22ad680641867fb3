import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import {
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
} from '@maas-portal/plugin-maas-common';
import express from 'express';
import request from 'supertest';
import { AdoptionService } from './AdoptionService';
import { createAdoptionRouter } from './createAdoptionRouter';

/**
 * What adoption tells the catalog. The binding written on the cluster (InferenceServiceBinder) is
 * the keys router's cluster test's, against the harness's API server; here the binder is a
 * recording stand-in, so that this test is about the catalog side only.
 */
describe('adopting a model', () => {
  it('asks the catalog to process the entity again and tells the catalog module', async () => {
    const entityRef = 'component:default/seed';
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'seed', namespace: 'default' },
          spec: { owner: 'team-a', type: 'model-server', lifecycle: 'x' },
        },
      ],
    });
    const refreshed: string[] = [];
    catalog.refreshEntity = async ref => {
      refreshed.push(ref);
    };
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    }).forPlugin('maas');
    const signalled: ModelCatalogChanged[] = [];
    await events.subscribe({
      id: 'test',
      topics: [MODEL_CATALOG_CHANGED_TOPIC],
      onEvent: async ({ eventPayload }) => {
        signalled.push(eventPayload as ModelCatalogChanged);
      },
    });
    const bound: unknown[] = [];
    const app = express().use(
      createAdoptionRouter({
        lookupModel: async () =>
          ({
            credentials: mockCredentials.user('user:default/ada'),
            ref: {
              entityRef,
              inferenceService: { namespace: 'llm', name: 'seed' },
            },
            binding: { bound: false, adoptable: true, reason: 'not bound' },
          } as any),
        adoption: new AdoptionService({
          bindings: {
            isAdmin: async () => true,
            inferenceService: () => undefined,
          } as any,
          catalog,
          binder: {
            bind: async (...args: unknown[]) => bound.push(args),
          } as any,
          events,
        }),
      }),
    );

    const response = await request(app).post(
      `/models/by-entity/adopt?entityRef=${entityRef}`,
    );

    expect(response.status).toBe(201);
    expect(bound).toEqual([
      [
        { namespace: 'llm', name: 'seed' },
        undefined,
        { entityRef, owner: 'group:default/team-a' },
      ],
    ]);
    expect(refreshed).toEqual([entityRef]);
    expect(signalled).toEqual([{ entityRef, inferenceService: 'llm/seed' }]);
  });
});
