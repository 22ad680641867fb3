import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  MODEL_CATALOG_CHANGED_TOPIC,
  ModelCatalogChanged,
} from '@maas-portal/plugin-maas-common';
import {
  initiatedBy,
  TestUser,
  users,
  usersGate,
} from '../__testUtils__/users';
import { createModelRegisterAction } from './modelRegister';

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'qwen3', namespace: 'team-a-models' },
  spec: { type: 'model-server', owner: 'group:default/team-a' },
};

/**
 * The real in-process events service; the catalog is the catalog-node mock (an in-memory catalog):
 * the catalog module's side is its own test, and the whole path the e2e test's.
 */
function setup(options: { registers: boolean; waitMs?: number }) {
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
  }).forPlugin('scaffolder');
  const catalog = catalogServiceMock({ entities: [] });
  const signalled: ModelCatalogChanged[] = [];
  const subscribed = events.subscribe({
    id: 'test-catalog-module',
    topics: [MODEL_CATALOG_CHANGED_TOPIC],
    onEvent: async ({ eventPayload }) => {
      signalled.push(eventPayload as ModelCatalogChanged);
      // As the catalog module does: the entity arrives a moment after the signal.
      if (options.registers)
        setTimeout(() => {
          catalog.getEntityByRef = async () => component;
        }, 300);
    },
  });
  const action = createModelRegisterAction({
    catalog,
    events,
    gate: usersGate(),
    waitMs: options.waitMs,
  });
  return { action, signalled, subscribed };
}

const input = {
  entityRef: 'Component:team-a-models/qwen3',
  inferenceService: 'team-a-models/qwen3',
};

const contextAs = (who: TestUser, given: typeof input) => ({
  ...createMockActionContext({
    input: given,
    logger: mockServices.logger.mock(),
  }),
  ...initiatedBy(who),
});

describe('maas:model:register', () => {
  it('signals the catalog module and ends once the catalog serves the entity', async () => {
    const { action, signalled, subscribed } = setup({ registers: true });
    await subscribed;
    const ctx = contextAs(users.devA, input);
    await action.handler(ctx);
    expect(signalled).toEqual([
      {
        entityRef: 'component:team-a-models/qwen3',
        inferenceService: 'team-a-models/qwen3',
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('registered', true);
    const waited = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'waitedMs',
    )[1];
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
  });

  it('says in the log, without failing, that a slow catalog shows the model later', async () => {
    const { action } = setup({ registers: false, waitMs: 600 });
    const ctx = contextAs(users.admin, input);
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('registered', false);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      'The model is applied, but the catalog does not show component:team-a-models/qwen3 yet; it appears within a minute, registered from the cluster',
    );
  });

  it('refuses a user without maas.model.create and a reference that is none', async () => {
    const { action, signalled } = setup({ registers: true });
    await expect(action.handler(contextAs(users.devB, input))).rejects.toThrow(
      /user:default\/bob may not create models/,
    );
    await expect(
      action.handler(contextAs(users.devA, { ...input, entityRef: 'qwen3' })),
    ).rejects.toThrow(
      'entityRef "qwen3" is not a catalog reference such as "component:default/qwen3"',
    );
    expect(signalled).toEqual([]);
  });
});
