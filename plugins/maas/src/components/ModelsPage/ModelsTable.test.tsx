import { Entity } from '@backstage/catalog-model';
import { MockEntityListContextProvider } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import {
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  ModelList,
} from '@maas-portal/plugin-maas-common';
import { MaasApi } from '../../api/MaasApi';
import { model, tiers } from '../../__testUtils__/fixtures';
import { never, renderWithApis } from '../../__testUtils__/renderWithApis';
import { rejectWith } from '../../__testUtils__/responseError';
import { ModelsTable } from './ModelsTable';

const modelServer = (name: string, isvc: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    description: `${name}, served by KServe`,
    annotations: { [MAAS_INFERENCE_SERVICE_ANNOTATION]: isvc },
  },
  spec: {
    type: 'model-server',
    owner: 'group:default/ml',
    lifecycle: 'production',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/ml' }],
});

const entities = [
  modelServer('qwen3', 'llm/qwen3'),
  modelServer('simulator', 'llm/simulator'),
];

const list = (): ModelList => ({
  items: [
    model({ entityRef: 'component:default/qwen3' }),
    model({
      entityRef: undefined,
      modelName: 'simulator',
      inferenceService: { namespace: 'llm', name: 'simulator', found: true },
      url: 'https://simulator.maas.local',
      health: {
        state: 'degraded',
        waitingFor: ['Kuadrant'],
        reasons: [],
      },
    }),
  ],
  notReadable: [],
  everyInferenceService: true,
  warnings: [],
  cache: { ageSeconds: 0 },
});

const render = (
  api: Partial<MaasApi>,
  value: Parameters<typeof MockEntityListContextProvider>[0]['value'] = {
    entities,
  },
) =>
  renderWithApis(
    <MockEntityListContextProvider value={value}>
      <ModelsTable />
    </MockEntityListContextProvider>,
    { getModelTiers: async () => tiers(), ...api },
  );

const rowOf = (name: string) =>
  screen
    .getAllByRole('row')
    .find(r => within(r).queryByRole('link', { name }))!;

describe('ModelsTable', () => {
  it('lists the catalog model servers with health, endpoint, tiers and owner', async () => {
    await render({ listModels: async () => list() });
    expect(await screen.findByText('Models (2)')).toBeInTheDocument();
    for (const header of ['Model', 'Health', 'Endpoint', 'Tiers', 'Owner']) {
      expect(
        screen.getByRole('columnheader', { name: header }),
      ).toBeInTheDocument();
    }
    const qwen3 = rowOf('qwen3');
    expect(within(qwen3).getByRole('link', { name: 'qwen3' })).toHaveAttribute(
      'href',
      '/catalog/default/component/qwen3',
    );
    expect(within(qwen3).getByText('healthy')).toBeInTheDocument();
    expect(
      within(qwen3).getByRole('link', {
        name: /https:\/\/qwen3\.maas\.local\/v1/,
      }),
    ).toBeInTheDocument();
    expect(await within(qwen3).findByText('free, premium')).toBeInTheDocument();
    expect(within(qwen3).getByRole('link', { name: 'ml' })).toBeInTheDocument();
    expect(
      within(rowOf('simulator')).getByText('waiting for Kuadrant'),
    ).toBeInTheDocument();
  });

  it('seen as a developer: shows health and endpoint of each model they may read, and says which they may not', async () => {
    const closed = modelServer('closed', 'llm/closed');
    await render(
      {
        listModels: async () => ({
          // Without maas.model.list: only the models of entities, each as its entity shows it.
          items: [model({ entityRef: 'component:default/qwen3' })],
          notReadable: ['component:default/closed'],
          everyInferenceService: false,
          warnings: [],
          cache: { ageSeconds: 0 },
        }),
      },
      { entities: [...entities, closed] },
    );
    const qwen3 = rowOf('qwen3');
    expect(await within(qwen3).findByText('healthy')).toBeInTheDocument();
    expect(
      within(qwen3).getByRole('link', {
        name: /https:\/\/qwen3\.maas\.local\/v1/,
      }),
    ).toBeInTheDocument();
    expect(
      within(rowOf('closed')).getAllByText(
        'not yours to read (maas.model.read)',
      ),
    ).toHaveLength(2);
    // The simulator's entity is not in his list (the catalog registered it since): said, not guessed.
    expect(
      within(rowOf('simulator')).getAllByText('not listed yet: reload'),
    ).toHaveLength(2);
    expect(screen.queryByText(/You may not/)).not.toBeInTheDocument();
  });

  it('shows progress while the catalog loads', async () => {
    await render({ listModels: never }, { entities: [], loading: true });
    expect(screen.getAllByRole('progressbar').length).toBeGreaterThan(0);
  });

  it('says how to get a model when the catalog has none', async () => {
    await render({ listModels: async () => list() }, { entities: [] });
    expect(
      await screen.findByText(/No model is in the catalog yet/),
    ).toBeInTheDocument();
  });

  it('shows the catalog error', async () => {
    await render(
      { listModels: async () => list() },
      { entities: [], error: new Error('catalog is down') },
    );
    expect(
      (await screen.findAllByText(/catalog is down/)).length,
    ).toBeGreaterThan(0);
  });

  it('still lists the models when the cluster cannot be read, and says why', async () => {
    await render({
      listModels: () => rejectWith(503, 'No cluster is configured'),
    });
    expect(
      await screen.findByText(/No cluster is configured/),
    ).toBeInTheDocument();
    expect(within(rowOf('qwen3')).getAllByText('—').length).toBeGreaterThan(0);
  });
});
